/**
 * Filling in an application: the service's form, pre-filled from the profile; the materials,
 * with those the city holds attached by reference; the fee, paid through the payments adapter
 * before submitting; then submission, with the server's objections shown at their fields. The
 * same screen answers a request for more material (补正): the request on top, a reply below.
 * Answers are saved as a draft by themselves a moment after each change.
 */
import { Button, Dialog, TextArea, Toast } from 'antd-mobile';
import { ExclamationCircleOutline } from 'antd-mobile-icons';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useParams } from 'react-router';
import {
  type ApplicationView,
  useApplication,
  useAttachUploads,
  usePayFee,
  useSaveAnswers,
  useSubmitApplication,
  useSupplement,
} from '../../shared/api/applications.ts';
import { type ServiceSpecView, useService } from '../../shared/api/catalog.ts';
import { ApiError, type FieldProblem } from '../../shared/api/client.ts';
import { formatDays, formatFee, pick, pickNames } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { ErrorState, Loading, useErrorMessage } from '../../shared/ui/states.tsx';
import { DevPaymentNotice } from '../government/DevPaymentNotice.tsx';
import { langOf } from '../government/status.tsx';
import '../government/government.css';
import { Materials, type Staged } from './Materials.tsx';
import { type Answers, fieldId, type ObjectSchema, SchemaForm, splitErrors } from './SchemaForm.tsx';

const AUTOSAVE_MS = 1500;
const FIELD_PREFIX = 'answer';

/** The latest request for more material in the timeline, if any. */
function latestRequest(view: ApplicationView) {
  const entry = [...view.timeline].reverse().find((e) => e.kind === 'request_material');
  if (!entry) return null;
  const materials = Array.isArray(entry.body.materials)
    ? (entry.body.materials as { name?: string; note?: string }[])
    : [];
  return { message: typeof entry.body.message === 'string' ? entry.body.message : '', materials, at: entry.at };
}

function Editor({ view }: { view: ApplicationView }) {
  const { t } = useTranslation('government');
  const { t: ts } = useTranslation();
  const { language } = useSettings();
  const navigate = useNavigate();
  const messageOf = useErrorMessage();
  const service = useService(view.service.code);
  const save = useSaveAnswers(view.id);
  const attach = useAttachUploads(view.id);
  const submit = useSubmitApplication(view.id);
  const supplement = useSupplement(view.id);
  const pay = usePayFee(view.id);
  const supplementing = view.status === 'awaiting_applicant';

  const [answers, setAnswers] = useState<Answers>(view.answers);
  const [staged, setStaged] = useState<Staged>({});
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [reply, setReply] = useState('');
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const [busy, setBusy] = useState(false);
  const dirty = useRef(false);
  const summary = useRef<HTMLDivElement>(null);

  const saveNow = useCallback(async () => {
    if (!dirty.current) return;
    dirty.current = false;
    try {
      await save.mutateAsync(answers);
      setSavedAt(new Date());
    } catch (error) {
      dirty.current = true;
      throw error;
    }
  }, [answers, save]);

  // Saves a moment after the last change.
  useEffect(() => {
    if (!dirty.current) return;
    const timer = window.setTimeout(() => {
      saveNow().catch(() => {});
    }, AUTOSAVE_MS);
    return () => window.clearTimeout(timer);
  }, [saveNow]);

  const change = (next: Answers) => {
    dirty.current = true;
    setAnswers(next);
  };

  const uploading = Object.values(staged).some((list) => list.some((f) => !f.uploadId && !f.error));

  /** Attaches every uploaded file to its material, then forgets them here. */
  const attachStaged = async () => {
    for (const [materialCode, files] of Object.entries(staged)) {
      const uploadIds = files.filter((f) => f.uploadId).map((f) => f.uploadId as string);
      if (uploadIds.length === 0) continue;
      await attach.mutateAsync({ materialCode, uploadIds });
      setStaged((all) => ({
        ...all,
        [materialCode]: (all[materialCode] ?? []).filter((f) => !f.uploadId || !uploadIds.includes(f.uploadId)),
      }));
      for (const f of files) if (f.uploadId) URL.revokeObjectURL(f.preview);
    }
  };

  const showProblems = (error: unknown) => {
    if (error instanceof ApiError && error.errors.length > 0) {
      setProblems(error.errors);
      setFailure(error.title || messageOf(error));
    } else {
      setProblems([]);
      setFailure(messageOf(error));
    }
    window.requestAnimationFrame(() => summary.current?.focus());
  };

  const saveAll = async () => {
    setBusy(true);
    setFailure(null);
    try {
      dirty.current = true;
      await saveNow();
      await attachStaged();
      Toast.show({ content: t('apply.saved') });
    } catch (error) {
      showProblems(error);
    } finally {
      setBusy(false);
    }
  };

  const doSubmit = async () => {
    setBusy(true);
    setFailure(null);
    setProblems([]);
    try {
      dirty.current = true;
      await saveNow();
      await attachStaged();
      if (supplementing) {
        await supplement.mutateAsync(reply);
      } else {
        await submit.mutateAsync();
      }
      navigate(`/me/applications/${view.id}?sent=1`, { replace: true });
    } catch (error) {
      showProblems(error);
    } finally {
      setBusy(false);
    }
  };

  const doPay = async () => {
    setBusy(true);
    setFailure(null);
    try {
      dirty.current = true;
      await saveNow();
      await attachStaged();
      const payment = await pay.mutateAsync();
      if (payment.checkoutUrl) window.location.assign(payment.checkoutUrl);
      else setFailure(t('fee.unavailable'));
    } catch (error) {
      showProblems(error);
    } finally {
      setBusy(false);
    }
  };

  if (service.isPending) return <Loading lines={8} />;
  if (service.isError) return <ErrorState error={service.error} onRetry={() => service.refetch()} />;
  const s = service.data;
  const spec = s.spec as ServiceSpecView & { form?: ObjectSchema };
  const form = spec.form ?? { properties: {}, required: [] };
  const { fields, other } = splitErrors(problems);
  const materialErrors = new Map<string, string>();
  for (const p of other) {
    const m = /(?:^|\.)materials\.([a-z0-9-]+)$/.exec(p.field);
    if (m?.[1]) materialErrors.set(m[1], p.message);
  }
  const request = supplementing ? latestRequest(view) : null;
  const needsPayment = !supplementing && view.feeFen > 0 && !view.paid;
  const prefilledCount = Object.keys(view.prefilled).length;

  return (
    <>
      <section className="card gov-summary" aria-labelledby="apply-service">
        <h2 id="apply-service" className="card__title">
          {pick(language, view.service.nameZh, view.service.nameEn)}
        </h2>
        <p className="hint">{pick(language, s.department.nameZh, s.department.nameEn)}</p>
        <dl className="fact-list">
          <div className="fact-list__row">
            <dt>{t('apply.promised')}</dt>
            <dd>{formatDays(ts, view.promisedDays)}</dd>
          </div>
          <div className="fact-list__row">
            <dt>{t('apply.fee')}</dt>
            <dd>{view.feeFen ? formatFee(ts, language, view.feeFen) : t('apply.free')}</dd>
          </div>
          {spec.issues ? (
            <div className="fact-list__row">
              <dt>{t('apply.result')}</dt>
              <dd>{pickNames(language, spec.issues.name)}</dd>
            </div>
          ) : null}
        </dl>
      </section>

      {request ? (
        <section className="card gov-request" aria-labelledby="request-title">
          <h2 id="request-title" className="card__title">
            <ExclamationCircleOutline aria-hidden="true" className="button-icon" />
            {t('supplement.title')}
          </h2>
          <p className="gov-request__message" lang={langOf(request.message)}>
            {request.message}
          </p>
          {request.materials.length ? (
            <ul className="plain-list">
              {request.materials.map((m, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the staff's list, in its order
                <li key={i}>
                  {m.name}
                  {m.note ? ` — ${m.note}` : ''}
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}

      {failure ? (
        <div className="form-error gov-problems" role="alert" tabIndex={-1} ref={summary}>
          <p>{failure}</p>
          {problems.length ? (
            <ul>
              {problems.map((p) => {
                const path = /(?:^|\.)answers\.(.+)$/.exec(p.field)?.[1];
                return (
                  <li key={p.field}>
                    {path ? <a href={`#${fieldId(FIELD_PREFIX, path)}`}>{p.message}</a> : p.message}
                  </li>
                );
              })}
            </ul>
          ) : null}
        </div>
      ) : null}

      <section className="card" aria-labelledby="form-title">
        <h2 id="form-title" className="card__title">
          {t('apply.formTitle')}
        </h2>
        {prefilledCount > 0 ? (
          <p className="card__intro">{t('apply.prefilledIntro', { count: prefilledCount })}</p>
        ) : null}
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void doSubmit();
          }}
        >
          <SchemaForm
            schema={form}
            values={answers}
            onChange={change}
            errors={fields}
            prefilled={view.prefilled}
            prefix={FIELD_PREFIX}
            disabled={busy}
          />
        </form>
      </section>

      <section className="card" aria-labelledby="materials-title">
        <h2 id="materials-title" className="card__title">
          {t('materials.title')}
        </h2>
        <Materials
          materials={view.materials}
          staged={staged}
          onStaged={setStaged}
          errors={materialErrors}
          disabled={busy}
        />
      </section>

      {supplementing ? (
        <section className="card" aria-labelledby="reply-title">
          <h2 id="reply-title" className="card__title">
            <label htmlFor="supplement-reply">{t('supplement.reply')}</label>
          </h2>
          <TextArea
            id="supplement-reply"
            className="gov-textarea-adm"
            value={reply}
            onChange={setReply}
            rows={3}
            maxLength={1000}
            showCount
            placeholder={t('supplement.replyHint')}
          />
        </section>
      ) : null}

      {view.feeFen > 0 && !supplementing ? (
        <section className="card" aria-labelledby="fee-title">
          <h2 id="fee-title" className="card__title">
            {t('fee.title')}
          </h2>
          <p>
            {t('fee.amount', { amount: formatFee(ts, language, view.feeFen) })}
            {spec.fee?.note ? <span className="hint"> {pickNames(language, spec.fee.note)}</span> : null}
          </p>
          {view.paid ? (
            <p className="card__intro">{t('fee.paid')}</p>
          ) : (
            <>
              <p>{t('fee.before')}</p>
              <DevPaymentNotice />
              <Button
                color="primary"
                fill="outline"
                block
                loading={busy && pay.isPending}
                disabled={busy || uploading}
                onClick={doPay}
              >
                {t('fee.pay', { amount: formatFee(ts, language, view.feeFen) })}
              </Button>
            </>
          )}
        </section>
      ) : null}

      <div className="action-bar gov-action-bar">
        <div className="action-bar__inner gov-actions">
          <p className="gov-save-state" aria-live="polite">
            {uploading
              ? t('apply.waitUploads')
              : save.isPending
                ? t('apply.saving')
                : savedAt
                  ? t('apply.savedAt', {
                      time: new Intl.DateTimeFormat(language, { timeStyle: 'short' }).format(savedAt),
                    })
                  : t('apply.draftNote')}
          </p>
          <div className="gov-actions__buttons">
            <Button fill="outline" color="primary" disabled={busy || uploading} onClick={saveAll}>
              {t('apply.saveDraft')}
            </Button>
            <Button
              color="primary"
              loading={busy && (submit.isPending || supplement.isPending)}
              disabled={busy || uploading || needsPayment}
              onClick={async () => {
                const ok = await Dialog.confirm({
                  content: supplementing ? t('supplement.confirm') : t('apply.confirm'),
                  confirmText: supplementing ? t('supplement.send') : t('apply.submit'),
                  cancelText: t('common.cancel'),
                });
                if (ok) await doSubmit();
              }}
            >
              {supplementing ? t('supplement.send') : t('apply.submit')}
            </Button>
          </div>
          {needsPayment ? <p className="hint gov-actions__why">{t('fee.payFirst')}</p> : null}
        </div>
      </div>
    </>
  );
}

/** The application form screen (/me/applications/:id/edit). */
export function ApplicationFormScreen() {
  const { t } = useTranslation('government');
  const { id = '' } = useParams();
  const application = useApplication(id, { waitForPayment: true });
  // Where it stood when the screen opened: once sent from here, the editor itself moves on.
  const opened = useRef<ApplicationView['status'] | null>(null);
  if (application.data && opened.current === null) opened.current = application.data.status;
  const supplementing = opened.current === 'awaiting_applicant';
  useDocumentTitle(supplementing ? t('supplement.title') : t('apply.title'));
  if (application.isPending) return <Loading lines={8} />;
  if (application.isError) {
    return (
      <div className="page page--narrow">
        <PageHeading title={t('apply.title')} back />
        <ErrorState error={application.error} onRetry={() => application.refetch()} />
      </div>
    );
  }
  const view = application.data;
  if (opened.current !== 'draft' && opened.current !== 'awaiting_applicant') {
    return <Navigate to={`/me/applications/${view.id}`} replace />;
  }
  return (
    <div className="page page--narrow gov-page gov-page--form">
      <PageHeading title={supplementing ? t('supplement.title') : t('apply.title')} back />
      <Editor key={view.id} view={view} />
    </div>
  );
}
