/**
 * An application under review: the applicant's answers (labelled from the service's form), the
 * materials — uploaded files, and certificates the city already holds, read through the API on
 * request (each read is recorded where the holder sees who accessed their data) — my
 * department's steps with their working-day limits, the decision (approve, reject, ask for
 * more material 补正, transfer), and the timeline with internal notes and messages to the applicant.
 */
import { FileImageOutlined, LockOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Image, Input, Radio, Select, Timeline } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import {
  type ApplicationAction,
  type ApplicationMaterial,
  type ApplicationStep,
  applicationFileUrl,
  findDepartment,
  type StaffApplication,
  useApplicationAction,
  useApplicationNote,
  useDepartments,
  useReferencedCredential,
  useServiceForm,
  useStaffApplication,
  useStaffMe,
} from '../../shared/api/staff.ts';
import { pick } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import {
  FormAlert,
  formatDateTime,
  StaffError,
  StaffHeading,
  StaffLoading,
  UserText,
  useStaffErrorMessage,
  WorkingDays,
} from '../ui.tsx';

type FormProperty = {
  title?: string;
  'x-title-en'?: string;
  oneOf?: { const: unknown; title?: string; 'x-title-en'?: string }[];
  items?: FormProperty & { properties?: Record<string, FormProperty> };
  properties?: Record<string, FormProperty>;
};

function titleOf(p: FormProperty | undefined, language: 'zh-CN' | 'en', fallback: string): string {
  if (!p) return fallback;
  return (language === 'en' ? p['x-title-en'] : p.title) ?? p.title ?? fallback;
}

/** An answer as text, using the form's option titles. */
function answerText(
  value: unknown,
  p: FormProperty | undefined,
  language: 'zh-CN' | 'en',
  yesNo: [string, string],
): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? yesNo[0] : yesNo[1];
  const option = p?.oneOf?.find((o) => o.const === value) ?? p?.items?.oneOf?.find((o) => o.const === value);
  if (option) return titleOf(option, language, String(value));
  if (Array.isArray(value)) {
    return value
      .map((v) => {
        if (v && typeof v === 'object') {
          const props = p?.items?.properties ?? {};
          return Object.entries(v as Record<string, unknown>)
            .map(([k, x]) => `${titleOf(props[k], language, k)}: ${answerText(x, props[k], language, yesNo)}`)
            .join(language === 'en' ? ', ' : '，');
        }
        return answerText(v, p?.items, language, yesNo);
      })
      .join(language === 'en' ? '; ' : '；');
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function Answers({ application }: { application: StaffApplication }) {
  const { t } = useTranslation('staff');
  const { language } = useSettings();
  const service = useServiceForm(application.service.code);
  const spec = service.data?.spec as { form?: { properties?: Record<string, FormProperty> } } | undefined;
  const properties = spec?.form?.properties ?? {};
  const keys = Object.keys(properties).length
    ? Object.keys(properties).filter((k) => k in application.answers)
    : Object.keys(application.answers);
  if (service.isPending) return <StaffLoading rows={4} />;
  if (keys.length === 0) return <p className="staff-weak">{t('application.noAnswers')}</p>;
  return (
    <dl className="staff-facts">
      {keys.map((key) => (
        <div key={key} className="staff-facts__row">
          <dt>{titleOf(properties[key], language, key)}</dt>
          <dd>
            <UserText
              text={answerText(application.answers[key], properties[key], language, [t('common.yes'), t('common.no')])}
            />
            {application.prefilled[key] ? (
              <span className="staff-weak staff-prefilled">{t('application.prefilled')}</span>
            ) : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Credential({ applicationId, credentialId }: { applicationId: string; credentialId: string }) {
  const { t } = useTranslation('staff');
  const { language } = useSettings();
  const [open, setOpen] = useState(false);
  const credential = useReferencedCredential(applicationId, credentialId, open);
  if (!open) {
    return (
      <div className="credential">
        <Button icon={<SafetyCertificateOutlined aria-hidden="true" />} onClick={() => setOpen(true)}>
          {t('application.readCertificate')}
        </Button>
        <p className="staff-weak">{t('application.readRecorded')}</p>
      </div>
    );
  }
  if (credential.isPending) return <StaffLoading rows={3} />;
  if (credential.isError) return <StaffError error={credential.error} onRetry={() => credential.refetch()} />;
  const c = credential.data;
  const valid = c.state === 'valid';
  return (
    <div className="credential credential--open">
      <p className="credential__title">
        {pick(language, c.typeNameZh, c.typeNameEn)}{' '}
        <span className={`pill ${valid ? 'pill--green' : 'pill--red'}`}>
          {t(`credentialState.${c.state}` as 'credentialState.valid', { defaultValue: c.state })}
        </span>
      </p>
      <dl className="staff-facts staff-facts--compact">
        <div className="staff-facts__row">
          <dt>{t('application.holder')}</dt>
          <dd>
            <UserText text={c.holderName} />
          </dd>
        </div>
        {Object.entries(c.fields).map(([key, value]) => (
          <div key={key} className="staff-facts__row">
            <dt>{c.labels[key] ? pick(language, c.labels[key].zh, c.labels[key].en) : key}</dt>
            <dd>{value === null ? '—' : <UserText text={String(value)} />}</dd>
          </div>
        ))}
        <div className="staff-facts__row">
          <dt>{t('application.validity')}</dt>
          <dd>
            {formatDateTime(language, c.validFrom)} – {c.validUntil ? formatDateTime(language, c.validUntil) : '—'}
          </dd>
        </div>
      </dl>
      <p className="staff-weak" role="status">
        <LockOutlined aria-hidden="true" /> {t('application.readWasRecorded')}
      </p>
    </div>
  );
}

function Materials({ application }: { application: StaffApplication }) {
  const { t } = useTranslation('staff');
  const { language } = useSettings();
  const status = (m: ApplicationMaterial) => {
    if (m.satisfiedBy === 'held') return <span className="pill pill--green">{t('application.held')}</span>;
    if (m.satisfiedBy === 'upload') return <span className="pill pill--blue">{t('application.uploaded')}</span>;
    if (m.satisfiedBy === 'form') return <span className="pill pill--grey">{t('application.inForm')}</span>;
    return m.optional ? (
      <span className="pill pill--grey">{t('application.optionalMissing')}</span>
    ) : (
      <span className="pill pill--red">{t('application.missing')}</span>
    );
  };
  return (
    <ul className="materials">
      {application.materials.map((m) => (
        <li key={m.code} className="materials__item">
          <div className="materials__head">
            <span className="materials__name">{pick(language, m.nameZh, m.nameEn)}</span>
            {status(m)}
          </div>
          {m.credentialIds.map((id) => (
            <Credential key={id} applicationId={application.id} credentialId={id} />
          ))}
          {m.fileIds.length ? (
            <Image.PreviewGroup>
              <ul className="wo-photos">
                {m.fileIds.map((fileId, index) => (
                  <li key={fileId} className="wo-photo">
                    <Image
                      src={applicationFileUrl(application.id, fileId, 'thumbnail')}
                      preview={{ src: applicationFileUrl(application.id, fileId, 'full') }}
                      alt={t('application.fileAlt', { name: pick(language, m.nameZh, m.nameEn), n: index + 1 })}
                      width={112}
                      height={84}
                      fallback=""
                      placeholder={<FileImageOutlined aria-hidden="true" />}
                    />
                  </li>
                ))}
              </ul>
            </Image.PreviewGroup>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

const DECISIONS = ['approve', 'request_material', 'reject', 'transfer'] as const;
type Decision = (typeof DECISIONS)[number];

function Decide({ application, task }: { application: StaffApplication; task: ApplicationStep }) {
  const { t } = useTranslation('staff');
  const { language } = useSettings();
  const { message } = App.useApp();
  const act = useApplicationAction(application.id);
  const departments = useDepartments();
  const me = useStaffMe();
  const [decision, setDecision] = useState<Decision>('approve');
  const [form] = Form.useForm();
  const materialOptions = application.materials
    .filter((m) => m.kind !== 'form')
    .map((m) => ({ value: m.code, label: pick(language, m.nameZh, m.nameEn) }));
  const departmentOptions = (departments.data ?? [])
    .filter((d) => d.id !== me.data?.departmentId)
    .map((d) => ({ value: d.code, label: pick(language, d.nameZh, d.nameEn) }));

  const submit = (values: { message?: string; reason?: string; materials?: string[]; department?: string }) => {
    let body: ApplicationAction;
    switch (decision) {
      case 'approve':
        body = { action: 'approve', ...(values.message ? { message: values.message } : {}) };
        break;
      case 'reject':
        body = {
          action: 'reject',
          reason: values.reason ?? '',
          ...(values.message ? { message: values.message } : {}),
        };
        break;
      case 'request_material':
        body = {
          action: 'request_material',
          message: values.message ?? '',
          materials: (values.materials ?? []).map((code) => {
            const m = application.materials.find((x) => x.code === code);
            return { code, name: m ? pick(language, m.nameZh, m.nameEn) : code };
          }),
        };
        break;
      case 'transfer':
        body = { action: 'transfer', toDepartmentCode: values.department ?? '', reason: values.reason ?? '' };
        break;
    }
    act.mutate(
      { ...body, taskId: task.id, expectedVersion: application.workflow.version },
      {
        onSuccess: () => {
          void message.success(t(`decision.done.${decision}`));
          form.resetFields();
        },
      },
    );
  };

  return (
    <Form form={form} layout="vertical" requiredMark={false} onFinish={submit} className="decide">
      <Form.Item label={t('decision.label')}>
        <Radio.Group
          value={decision}
          onChange={(event) => setDecision(event.target.value)}
          optionType="button"
          buttonStyle="solid"
          className="decide__choices"
          options={DECISIONS.map((d) => ({ value: d, label: t(`decision.${d}`) }))}
        />
      </Form.Item>
      {decision === 'request_material' ? (
        <Form.Item
          label={t('decision.materials')}
          name="materials"
          rules={[{ required: true, message: t('decision.materialsRequired') }]}
        >
          <Select mode="multiple" options={materialOptions} />
        </Form.Item>
      ) : null}
      {decision === 'transfer' ? (
        <Form.Item
          label={t('decision.department')}
          name="department"
          rules={[{ required: true, message: t('decision.departmentRequired') }]}
        >
          <Select showSearch={{ optionFilterProp: 'label' }} options={departmentOptions} />
        </Form.Item>
      ) : null}
      {decision === 'reject' || decision === 'transfer' ? (
        <Form.Item
          label={t('decision.reason')}
          name="reason"
          rules={[{ required: true, min: 2, whitespace: true, message: t('decision.reasonRequired') }]}
        >
          <Input.TextArea rows={2} maxLength={1000} showCount />
        </Form.Item>
      ) : null}
      {decision !== 'transfer' ? (
        <Form.Item
          label={decision === 'request_material' ? t('decision.messageRequired') : t('decision.message')}
          name="message"
          extra={t('decision.messageHint')}
          rules={
            decision === 'request_material'
              ? [{ required: true, min: 2, whitespace: true, message: t('decision.messageRule') }]
              : []
          }
        >
          <Input.TextArea rows={3} maxLength={4000} showCount />
        </Form.Item>
      ) : null}
      <FormAlert error={act.error} />
      <Button
        type="primary"
        htmlType="submit"
        size="large"
        loading={act.isPending}
        danger={decision === 'reject'}
        className="staff-submit"
      >
        {t(`decision.submit.${decision}`)}
      </Button>
    </Form>
  );
}

function Steps({ application }: { application: StaffApplication }) {
  const { t } = useTranslation('staff');
  const { language } = useSettings();
  const open = application.workflow.tasks.find((task) => task.status === 'open' && task.mine);
  return (
    <>
      <ul className="app-steps">
        {application.workflow.tasks.map((task) => (
          <li key={task.id} className="app-steps__item">
            <span className="app-steps__name">{pick(language, task.stepNameZh, task.stepNameEn)}</span>
            <span className="pill pill--grey">
              {t(`taskStatus.${task.status}` as 'taskStatus.open', { defaultValue: task.status })}
            </span>
            {task.status === 'open' ? (
              <WorkingDays
                days={task.remainingWorkingDays}
                overdue={task.overdue}
                paused={application.workflow.paused}
              />
            ) : null}
          </li>
        ))}
      </ul>
      {open ? (
        <Decide application={application} task={open} />
      ) : (
        <Alert type="info" showIcon title={t('application.nothingToDecide')} />
      )}
    </>
  );
}

function Notes({ application }: { application: StaffApplication }) {
  const { t } = useTranslation('staff');
  const { message } = App.useApp();
  const note = useApplicationNote(application.id);
  const [form] = Form.useForm();
  const errorMessage = useStaffErrorMessage();
  return (
    <Form
      form={form}
      layout="vertical"
      requiredMark={false}
      initialValues={{ visibility: 'internal' }}
      onFinish={(values: { text: string; visibility: 'internal' | 'applicant' }) =>
        note.mutate(values, {
          onSuccess: () => {
            void message.success(t(values.visibility === 'internal' ? 'notes.savedInternal' : 'notes.sent'));
            form.resetFields(['text']);
          },
          onError: (error) => void message.error(errorMessage(error)),
        })
      }
    >
      <Form.Item label={t('notes.kind')} name="visibility">
        <Radio.Group
          options={[
            { value: 'internal', label: t('notes.internal') },
            { value: 'applicant', label: t('notes.applicant') },
          ]}
        />
      </Form.Item>
      <Form.Item noStyle shouldUpdate>
        {({ getFieldValue }) => (
          <p className="staff-weak">
            {getFieldValue('visibility') === 'internal' ? t('notes.internalHint') : t('notes.applicantHint')}
          </p>
        )}
      </Form.Item>
      <Form.Item
        label={t('notes.text')}
        name="text"
        rules={[{ required: true, whitespace: true, message: t('notes.textRequired') }]}
      >
        <Input.TextArea rows={3} maxLength={4000} showCount />
      </Form.Item>
      <Button htmlType="submit" loading={note.isPending}>
        {t('notes.submit')}
      </Button>
    </Form>
  );
}

function History({ application }: { application: StaffApplication }) {
  const { t } = useTranslation('staff');
  const { language } = useSettings();
  const departments = useDepartments();
  const items = [...application.timeline].reverse().map((entry) => {
    const body = entry.body as { text?: string; message?: string; reason?: string };
    const department = findDepartment(departments.data, entry.departmentId);
    const text = [body.text, body.reason, body.message].filter((x): x is string => typeof x === 'string' && !!x);
    return {
      key: entry.seq,
      color: entry.visibility === 'internal' ? 'gray' : 'blue',
      content: (
        <div className="wo-event">
          <p className="wo-event__title">
            {t(`appTimeline.${entry.kind}` as 'appTimeline.submitted', { defaultValue: t('appTimeline.other') })}{' '}
            <span className={`pill ${entry.visibility === 'internal' ? 'pill--grey' : 'pill--blue'}`}>
              {t(entry.visibility === 'internal' ? 'notes.internalTag' : 'notes.applicantTag')}
            </span>
          </p>
          <p className="staff-weak">
            <time dateTime={entry.at}>{formatDateTime(language, entry.at)}</time>
            {department ? ` · ${pick(language, department.shortZh, department.shortEn)}` : ''}
          </p>
          {text.map((x) => (
            <p key={x}>
              <UserText text={x} />
            </p>
          ))}
        </div>
      ),
    };
  });
  return <Timeline items={items} />;
}

/** The application-review screen. */
export function ApplicationScreen() {
  const { t } = useTranslation('staff');
  const { language } = useSettings();
  const { id = '' } = useParams();
  const query = useStaffApplication(id);
  if (query.isPending) return <StaffLoading rows={8} />;
  if (query.isError) {
    return (
      <div className="staff-page">
        <StaffHeading title={t('application.title')} back="/staff/applications" />
        <StaffError error={query.error} onRetry={() => query.refetch()} />
      </div>
    );
  }
  const application = query.data;
  const wf = application.workflow;
  return (
    <div className="staff-page">
      <StaffHeading
        title={pick(language, application.service.nameZh, application.service.nameEn)}
        back="/staff/applications"
      />
      <p className="staff-notice">
        <LockOutlined aria-hidden="true" /> {t('application.readNotice')}
      </p>
      <div className="wo-layout">
        <div className="wo-layout__main">
          <section className="staff-card" aria-labelledby="app-summary">
            <h2 id="app-summary" className="visually-hidden">
              {t('application.summary')}
            </h2>
            <div className="wo-card__tags">
              <span className="pill pill--blue">
                {t(`appStatus.${application.status}` as 'appStatus.in_progress', { defaultValue: application.status })}
              </span>
              <WorkingDays
                days={wf.remainingWorkingDays}
                overdue={(wf.remainingWorkingDays ?? 0) < 0}
                paused={wf.paused}
              />
            </div>
            <dl className="staff-facts">
              <div className="staff-facts__row">
                <dt>{t('application.trackingNo')}</dt>
                <dd>{application.trackingNo ?? '—'}</dd>
              </div>
              <div className="staff-facts__row">
                <dt>{t('application.submittedAt')}</dt>
                <dd>{formatDateTime(language, application.submittedAt)}</dd>
              </div>
              <div className="staff-facts__row">
                <dt>{t('application.limits')}</dt>
                <dd>
                  {t('application.limitsValue', { promised: application.promisedDays, legal: application.legalDays })}
                </dd>
              </div>
              {wf.promisedDueAt ? (
                <div className="staff-facts__row">
                  <dt>{t('application.promisedDue')}</dt>
                  <dd>{formatDateTime(language, wf.promisedDueAt)}</dd>
                </div>
              ) : null}
            </dl>
          </section>
          <section className="staff-card" aria-labelledby="app-decide">
            <h2 id="app-decide" className="staff-card__title">
              {t('application.steps')}
            </h2>
            <Steps application={application} />
          </section>
          <section className="staff-card" aria-labelledby="app-answers">
            <h2 id="app-answers" className="staff-card__title">
              {t('application.answers')}
            </h2>
            <Answers application={application} />
          </section>
          <section className="staff-card" aria-labelledby="app-materials">
            <h2 id="app-materials" className="staff-card__title">
              {t('application.materials')}
            </h2>
            <Materials application={application} />
          </section>
        </div>
        <div className="wo-layout__aside">
          <section className="staff-card" aria-labelledby="app-notes">
            <h2 id="app-notes" className="staff-card__title">
              {t('notes.title')}
            </h2>
            <Notes application={application} />
          </section>
          <section className="staff-card" aria-labelledby="app-history">
            <h2 id="app-history" className="staff-card__title">
              {t('application.history')}
            </h2>
            <History application={application} />
          </section>
        </div>
      </div>
    </div>
  );
}
