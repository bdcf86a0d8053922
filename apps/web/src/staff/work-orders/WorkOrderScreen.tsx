/**
 * One work order as its handler (or a field crew member on a phone) sees it: what was
 * reported, where (on the map), the photos, the timeline, and the actions the server says are
 * allowed now. Resolving needs a note and at least one photo of the result, taken with the
 * phone's camera or chosen from files; photos are uploaded as soon as they are picked.
 */
import { CameraOutlined, DeleteOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { App, Button, Form, Image, Input, Modal, Select, Timeline } from 'antd';
import { type ChangeEvent, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import {
  findDepartment,
  uploadPhoto,
  useCategories,
  useDepartments,
  useWorkOrder,
  useWorkOrderAction,
  useZones,
  type WorkOrderAction,
  type WorkOrderDetail,
  workOrderPhotoUrl,
  zonesById,
} from '../../shared/api/staff.ts';
import { pick } from '../../shared/format.ts';
import { CityMap } from '../../shared/map/CityMap.tsx';
import { useSettings } from '../../shared/settings.ts';
import {
  Countdown,
  EscalationTag,
  FormAlert,
  formatDateTime,
  nextDue,
  PriorityTag,
  StaffError,
  StaffHeading,
  StaffLoading,
  StatusTag,
  UserText,
  useStaffErrorMessage,
} from '../ui.tsx';
import { categoryName, zoneName } from './QueueScreen.tsx';

/** Actions this screen offers, in the order of their buttons (the server decides which apply). */
const OFFERED = ['accept', 'start', 'resolve', 'dispatch', 'transfer', 'escalate', 'return_invalid'] as const;
type Offered = (typeof OFFERED)[number];
const PRIMARY: Offered[] = ['accept', 'start', 'resolve', 'dispatch'];
const NEEDS_FORM: Offered[] = ['resolve', 'dispatch', 'transfer', 'escalate', 'return_invalid'];

interface Picked {
  key: string;
  name: string;
  preview: string;
  id: string | null;
  error: unknown;
}

function PhotoPicker({ photos, setPhotos }: { photos: Picked[]; setPhotos: (f: (p: Picked[]) => Picked[]) => void }) {
  const { t } = useTranslation('staff');
  const message = useStaffErrorMessage();
  const inputId = useId();
  const onChange = async (event: ChangeEvent<HTMLInputElement>) => {
    const files = [...(event.target.files ?? [])];
    event.target.value = '';
    for (const file of files) {
      const key = `${file.name}-${file.size}-${Math.random()}`;
      setPhotos((p) => [...p, { key, name: file.name, preview: URL.createObjectURL(file), id: null, error: null }]);
      try {
        const uploaded = await uploadPhoto(file, 'resolution_photo');
        setPhotos((p) => p.map((x) => (x.key === key ? { ...x, id: uploaded.id } : x)));
      } catch (error) {
        setPhotos((p) => p.map((x) => (x.key === key ? { ...x, error } : x)));
      }
    }
  };
  return (
    <div className="photo-picker">
      <label htmlFor={inputId} className="photo-picker__button">
        <CameraOutlined aria-hidden="true" /> {t('workOrder.addPhoto')}
      </label>
      <input
        id={inputId}
        className="photo-picker__input"
        type="file"
        accept="image/jpeg,image/png,image/webp"
        capture="environment"
        multiple
        onChange={onChange}
      />
      <p className="staff-weak">{t('workOrder.photoHint')}</p>
      {photos.length ? (
        <ul className="photo-picker__list">
          {photos.map((photo, index) => (
            <li key={photo.key} className="photo-picker__item">
              <img src={photo.preview} alt={t('workOrder.afterPhotoAlt', { n: index + 1 })} />
              <span className="photo-picker__state" role="status">
                {photo.error ? message(photo.error) : photo.id ? t('workOrder.uploaded') : t('workOrder.uploading')}
              </span>
              <Button
                size="small"
                type="text"
                icon={<DeleteOutlined aria-hidden="true" />}
                aria-label={t('workOrder.removePhoto', { n: index + 1 })}
                onClick={() => setPhotos((p) => p.filter((x) => x.key !== photo.key))}
              />
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function ActionDialog({
  action,
  workOrder,
  onClose,
}: {
  action: Offered;
  workOrder: WorkOrderDetail;
  onClose: () => void;
}) {
  const { t } = useTranslation('staff');
  const { language } = useSettings();
  const { message } = App.useApp();
  const act = useWorkOrderAction(workOrder.id);
  const departments = useDepartments();
  const [photos, setPhotos] = useState<Picked[]>([]);
  const [photoError, setPhotoError] = useState(false);
  const [form] = Form.useForm();
  const departmentOptions = (departments.data ?? [])
    .filter((d) => d.code !== workOrder.departmentCode)
    .map((d) => ({ value: d.code, label: pick(language, d.nameZh, d.nameEn) }));

  const submit = (values: { note?: string; reason?: string; departmentCode?: string }) => {
    let body: WorkOrderAction;
    switch (action) {
      case 'resolve': {
        const ids = photos.filter((p) => p.id).map((p) => p.id as string);
        if (ids.length === 0 || photos.some((p) => !p.id)) {
          setPhotoError(true);
          return;
        }
        body = { action, note: values.note ?? '', photoIds: ids };
        break;
      }
      case 'transfer':
        body = { action, departmentCode: values.departmentCode ?? '', reason: values.reason ?? '' };
        break;
      case 'dispatch':
        body = { action, departmentCode: values.departmentCode ?? '', ...(values.note ? { note: values.note } : {}) };
        break;
      case 'escalate':
      case 'return_invalid':
        body = { action, reason: values.reason ?? '' };
        break;
      default:
        body = { action, ...(values.note ? { note: values.note } : {}) };
    }
    act.mutate(body, {
      onSuccess: () => {
        void message.success(t(`actions.done.${action}`));
        onClose();
      },
    });
  };

  return (
    <Modal
      open
      title={t(`actions.${action}`)}
      onCancel={onClose}
      okText={t(`actions.${action}`)}
      cancelText={t('actions.cancel')}
      confirmLoading={act.isPending}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" requiredMark={false} onFinish={submit}>
        {action === 'resolve' ? (
          <>
            <Form.Item
              label={t('workOrder.resolveNote')}
              name="note"
              rules={[{ required: true, whitespace: true, message: t('workOrder.resolveNoteRequired') }]}
            >
              <Input.TextArea rows={3} maxLength={1000} showCount />
            </Form.Item>
            <fieldset className="staff-fieldset">
              <legend>{t('workOrder.afterPhotos')}</legend>
              <PhotoPicker photos={photos} setPhotos={setPhotos} />
              {photoError && !photos.some((p) => p.id) ? (
                <p className="staff-field-error" role="alert">
                  {t('workOrder.photoRequired')}
                </p>
              ) : null}
            </fieldset>
          </>
        ) : null}
        {action === 'transfer' || action === 'dispatch' ? (
          <Form.Item
            label={t('workOrder.department')}
            name="departmentCode"
            rules={[{ required: true, message: t('workOrder.departmentRequired') }]}
          >
            <Select showSearch={{ optionFilterProp: 'label' }} options={departmentOptions} />
          </Form.Item>
        ) : null}
        {action === 'transfer' || action === 'escalate' || action === 'return_invalid' ? (
          <Form.Item
            label={t('workOrder.reason')}
            name="reason"
            rules={[{ required: true, whitespace: true, message: t('workOrder.reasonRequired') }]}
          >
            <Input.TextArea rows={3} maxLength={500} showCount />
          </Form.Item>
        ) : null}
        {action === 'dispatch' ? (
          <Form.Item label={t('workOrder.noteOptional')} name="note">
            <Input.TextArea rows={2} maxLength={1000} />
          </Form.Item>
        ) : null}
      </Form>
      <FormAlert error={act.error} />
    </Modal>
  );
}

function Actions({ workOrder }: { workOrder: WorkOrderDetail }) {
  const { t } = useTranslation('staff');
  const { message } = App.useApp();
  const act = useWorkOrderAction(workOrder.id);
  const [open, setOpen] = useState<Offered | null>(null);
  const allowed = OFFERED.filter((a) => workOrder.allowedActions.includes(a));
  if (allowed.length === 0) {
    return <p className="staff-weak">{t('workOrder.noActions')}</p>;
  }
  return (
    <>
      <div className="wo-actions">
        {allowed.map((action) => (
          <Button
            key={action}
            type={PRIMARY.includes(action) ? 'primary' : 'default'}
            danger={action === 'return_invalid'}
            size="large"
            loading={act.isPending && act.variables?.action === action}
            onClick={() => {
              if (NEEDS_FORM.includes(action)) {
                setOpen(action);
                return;
              }
              act.mutate({ action } as WorkOrderAction, {
                onSuccess: () => void message.success(t(`actions.done.${action}`)),
              });
            }}
          >
            {t(`actions.${action}`)}
          </Button>
        ))}
      </div>
      <FormAlert error={act.error} />
      {open ? <ActionDialog action={open} workOrder={workOrder} onClose={() => setOpen(null)} /> : null}
    </>
  );
}

function Facts({ workOrder }: { workOrder: WorkOrderDetail }) {
  const { t } = useTranslation('staff');
  const { language } = useSettings();
  const departments = useDepartments();
  const districts = useZones('district');
  const streets = useZones('street');
  const zones = useMemo(
    () => zonesById([...(districts.data ?? []), ...(streets.data ?? [])]),
    [districts.data, streets.data],
  );
  const department = findDepartment(departments.data, workOrder.departmentCode);
  const rows: [string, string][] = [
    [t('workOrder.trackingNo'), workOrder.trackingNo ?? '—'],
    [t('workOrder.place'), zoneName(zones, workOrder.zones, language) || '—'],
    [t('workOrder.department'), department ? pick(language, department.nameZh, department.nameEn) : '—'],
    [t('workOrder.reportedAt'), formatDateTime(language, workOrder.createdAt)],
  ];
  if (workOrder.acceptedAt) rows.push([t('workOrder.acceptedAt'), formatDateTime(language, workOrder.acceptedAt)]);
  if (workOrder.resolvedAt) rows.push([t('workOrder.resolvedAt'), formatDateTime(language, workOrder.resolvedAt)]);
  return (
    <dl className="staff-facts">
      {rows.map(([label, value]) => (
        <div key={label} className="staff-facts__row">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Reports({ workOrder }: { workOrder: WorkOrderDetail }) {
  const { t } = useTranslation('staff');
  const { language } = useSettings();
  const categories = useCategories();
  const category = categories.data?.find((c) => c.code === workOrder.categoryCode);
  const attributeLabel = (code: string) => {
    const attribute = category?.attributes.find((a) => a.code === code);
    return attribute ? pick(language, attribute.label_zh, attribute.label_en) : code;
  };
  const value = (v: boolean | number | string) =>
    typeof v === 'boolean' ? t(v ? 'common.yes' : 'common.no') : String(v);
  return (
    <ol className="wo-reports">
      {workOrder.reports.map((report) => (
        <li key={report.trackingNo} className="wo-report">
          <p className="wo-report__text">
            <UserText text={report.description} />
          </p>
          {report.address ? (
            <p className="wo-report__address">
              <EnvironmentOutlined aria-hidden="true" /> <UserText text={report.address} />
            </p>
          ) : null}
          {Object.keys(report.attributes).length ? (
            <ul className="wo-report__attributes">
              {Object.entries(report.attributes).map(([code, v]) => (
                <li key={code}>
                  {attributeLabel(code)}:{' '}
                  <strong>
                    <UserText text={value(v)} />
                  </strong>
                </li>
              ))}
            </ul>
          ) : null}
          <p className="staff-weak">
            {report.trackingNo} ·{' '}
            {t(`channel.${report.channel}` as 'channel.app', { defaultValue: t('channel.other') })} ·{' '}
            {formatDateTime(language, report.createdAt)}
            {report.linked ? ` · ${t('workOrder.linked')}` : ''}
          </p>
        </li>
      ))}
    </ol>
  );
}

function Photos({ workOrder }: { workOrder: WorkOrderDetail }) {
  const { t } = useTranslation('staff');
  if (workOrder.photos.length === 0) return <p className="staff-weak">{t('workOrder.noPhotos')}</p>;
  return (
    <Image.PreviewGroup>
      <ul className="wo-photos">
        {workOrder.photos.map((photo, index) => (
          <li key={photo.id} className="wo-photo">
            <Image
              src={workOrderPhotoUrl(workOrder.id, photo.id, 'thumbnail')}
              preview={{ src: workOrderPhotoUrl(workOrder.id, photo.id, 'full') }}
              alt={t(photo.kind === 'after' ? 'workOrder.afterPhotoAlt' : 'workOrder.beforePhotoAlt', { n: index + 1 })}
              width={128}
              height={96}
            />
            <span className={`pill ${photo.kind === 'after' ? 'pill--green' : 'pill--grey'}`}>
              {t(photo.kind === 'after' ? 'workOrder.after' : 'workOrder.before')}
            </span>
          </li>
        ))}
      </ul>
    </Image.PreviewGroup>
  );
}

function History({ workOrder }: { workOrder: WorkOrderDetail }) {
  const { t } = useTranslation('staff');
  const { language } = useSettings();
  const departments = useDepartments();
  const items = [...workOrder.timeline].reverse().map((event) => {
    const department = findDepartment(departments.data, event.departmentCode);
    const details = [
      department ? pick(language, department.shortZh, department.shortEn) : null,
      event.photoIds.length ? t('workOrder.photosAttached', { count: event.photoIds.length }) : null,
    ].filter(Boolean);
    const written = [event.reason, event.note].filter((x): x is string => !!x);
    return {
      key: event.seq,
      color: event.action === 'escalate' || event.action === 'warn' ? 'red' : 'blue',
      content: (
        <div className="wo-event">
          <p className="wo-event__title">
            {t(`timeline.${event.action}` as 'timeline.submit', { defaultValue: event.action })}
          </p>
          <p className="staff-weak">
            <time dateTime={event.at}>{formatDateTime(language, event.at)}</time>
          </p>
          {details.length ? <p>{details.join(' · ')}</p> : null}
          {written.map((x) => (
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

/** The work-order screen. */
export function WorkOrderScreen() {
  const { t } = useTranslation('staff');
  const { language } = useSettings();
  const { id = '' } = useParams();
  const query = useWorkOrder(id);
  const categories = useCategories();
  if (query.isPending) return <StaffLoading rows={8} />;
  if (query.isError) {
    return (
      <div className="staff-page">
        <StaffHeading title={t('workOrder.title')} back="/staff" />
        <StaffError error={query.error} onRetry={() => query.refetch()} />
      </div>
    );
  }
  const workOrder = query.data;
  const due = nextDue(workOrder);
  const title = categoryName(categories.data, workOrder.categoryCode, language);
  return (
    <div className="staff-page">
      <StaffHeading title={title} back="/staff" />
      <div className="wo-layout">
        <div className="wo-layout__main">
          <section className="staff-card" aria-labelledby="wo-summary">
            <h2 id="wo-summary" className="visually-hidden">
              {t('workOrder.summary')}
            </h2>
            <div className="wo-card__tags">
              <PriorityTag priority={workOrder.priority} />
              <StatusTag status={workOrder.status} />
              <EscalationTag level={workOrder.escalationLevel} />
            </div>
            {due ? <Countdown at={due.at} kind={due.kind} /> : null}
            <Facts workOrder={workOrder} />
          </section>
          <section className="staff-card" aria-labelledby="wo-actions">
            <h2 id="wo-actions" className="staff-card__title">
              {t('workOrder.actions')}
            </h2>
            <Actions workOrder={workOrder} />
          </section>
          <section className="staff-card" aria-labelledby="wo-reports">
            <h2 id="wo-reports" className="staff-card__title">
              {t('workOrder.reports', { count: workOrder.reports.length })}
            </h2>
            <Reports workOrder={workOrder} />
          </section>
          <section className="staff-card" aria-labelledby="wo-photos">
            <h2 id="wo-photos" className="staff-card__title">
              {t('workOrder.photos')}
            </h2>
            <Photos workOrder={workOrder} />
          </section>
        </div>
        <div className="wo-layout__aside">
          <section className="staff-card" aria-labelledby="wo-map">
            <h2 id="wo-map" className="staff-card__title">
              {t('workOrder.location')}
            </h2>
            <CityMap
              key={language}
              label={t('workOrder.mapLabel')}
              points={[
                {
                  id: workOrder.id,
                  lng: workOrder.lon,
                  lat: workOrder.lat,
                  label: title,
                  tone: workOrder.priority === 'urgent' ? 'urgent' : 'default',
                },
              ]}
              height={260}
            />
            <a className="staff-weak" href={`geo:${workOrder.lat},${workOrder.lon}`}>
              {t('workOrder.navigate')}
            </a>
          </section>
          <section className="staff-card" aria-labelledby="wo-history">
            <h2 id="wo-history" className="staff-card__title">
              {t('workOrder.history')}
            </h2>
            <History workOrder={workOrder} />
          </section>
        </div>
      </div>
    </div>
  );
}
