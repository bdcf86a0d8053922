/**
 * One thing, one go (一件事一次办): a bundle of services applied for with one shared form,
 * pre-filled from the profile, each member's materials (the held ones attached by reference), and
 * one submission that runs every department's part.
 */
import { useQueryClient } from '@tanstack/react-query';
import { Button, Dialog, Toast } from 'antd-mobile';
import { CheckCircleFill } from 'antd-mobile-icons';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import {
  attachUploads,
  type BundleApplicationView,
  bundleDraftFor,
  useBundle,
  useBundleApplication,
  useSaveBundleAnswers,
  useSubmitBundle,
} from '../../shared/api/applications.ts';
import { ApiError, type FieldProblem } from '../../shared/api/client.ts';
import { formatDays, pick, pickNames } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { ErrorState, Loading, useErrorMessage } from '../../shared/ui/states.tsx';
import '../government/government.css';
import { StatusChip } from '../government/status.tsx';
import { Materials, type Staged } from './Materials.tsx';
import { type Answers, type ObjectSchema, SchemaForm, splitErrors } from './SchemaForm.tsx';

function BundleEditor({ view, form }: { view: BundleApplicationView; form: ObjectSchema }) {
  const { t } = useTranslation('government');
  const { t: ts } = useTranslation();
  const { language } = useSettings();
  const navigate = useNavigate();
  const client = useQueryClient();
  const messageOf = useErrorMessage();
  const save = useSaveBundleAnswers(view.id);
  const submit = useSubmitBundle(view.id);
  const [answers, setAnswers] = useState<Answers>(view.answers);
  const [staged, setStaged] = useState<Record<string, Staged>>({});
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const prefilled = Object.fromEntries(
    Object.entries(form.properties)
      .filter(([name, f]) => f['x-prefill'] && view.answers[name] !== undefined)
      .map(([name, f]) => [name, f['x-prefill'] as string]),
  );
  const uploading = Object.values(staged).some((m) =>
    Object.values(m).some((list) => list.some((f) => !f.uploadId && !f.error)),
  );

  const persist = async () => {
    await save.mutateAsync(answers);
    for (const [memberId, materials] of Object.entries(staged)) {
      for (const [materialCode, files] of Object.entries(materials)) {
        const uploadIds = files.filter((f) => f.uploadId).map((f) => f.uploadId as string);
        if (uploadIds.length === 0) continue;
        await attachUploads(memberId, { materialCode, uploadIds });
        for (const f of files) URL.revokeObjectURL(f.preview);
        setStaged((all) => ({ ...all, [memberId]: { ...all[memberId], [materialCode]: [] } }));
      }
    }
    await client.invalidateQueries({ queryKey: ['my-bundle-application', view.id] });
  };

  const fail = (error: unknown) => {
    setProblems(error instanceof ApiError ? error.errors : []);
    setFailure(messageOf(error));
    window.requestAnimationFrame(() => summary.current?.focus());
  };

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setFailure(null);
    try {
      await action();
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };

  const { fields } = splitErrors(problems.filter((p) => p.field.startsWith('shared.')));

  return (
    <>
      {failure ? (
        <div className="form-error gov-problems" role="alert" tabIndex={-1} ref={summary}>
          <p>{failure}</p>
          {problems.length ? (
            <ul>
              {problems.map((p) => (
                <li key={p.field}>{p.message}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <section className="card" aria-labelledby="bundle-form">
        <h2 id="bundle-form" className="card__title">
          {t('bundle.sharedForm')}
        </h2>
        <p className="hint">{t('bundle.sharedFormHint')}</p>
        <SchemaForm
          schema={form}
          values={answers}
          onChange={setAnswers}
          errors={fields}
          prefilled={prefilled}
          prefix="shared"
          disabled={busy}
        />
      </section>
      {view.members.map((member) => {
        const memberErrors = new Map<string, string>();
        for (const p of problems) {
          const m = new RegExp(`^${member.service.code}\\.materials\\.([a-z0-9-]+)$`).exec(p.field);
          if (m?.[1]) memberErrors.set(m[1], p.message);
        }
        return (
          <section className="card" key={member.id} aria-labelledby={`member-${member.id}`}>
            <div className="gov-list__head">
              <h2 id={`member-${member.id}`} className="card__title">
                {pick(language, member.service.nameZh, member.service.nameEn)}
              </h2>
              <span className="badge">{formatDays(ts, member.promisedDays)}</span>
            </div>
            <Materials
              materials={member.materials}
              staged={staged[member.id] ?? {}}
              onStaged={(update) => setStaged((all) => ({ ...all, [member.id]: update(all[member.id] ?? {}) }))}
              errors={memberErrors}
              disabled={busy}
            />
          </section>
        );
      })}
      <div className="action-bar gov-action-bar">
        <div className="action-bar__inner gov-actions">
          <p className="gov-save-state" aria-live="polite">
            {uploading ? t('apply.waitUploads') : t('bundle.oneSubmission', { count: view.members.length })}
          </p>
          <div className="gov-actions__buttons">
            <Button
              fill="outline"
              color="primary"
              disabled={busy || uploading}
              onClick={() =>
                run(async () => {
                  await persist();
                  Toast.show({ content: t('apply.saved') });
                })
              }
            >
              {t('apply.saveDraft')}
            </Button>
            <Button
              color="primary"
              disabled={busy || uploading}
              loading={busy && submit.isPending}
              onClick={async () => {
                const ok = await Dialog.confirm({
                  content: t('bundle.confirm', { count: view.members.length }),
                  confirmText: t('apply.submit'),
                  cancelText: t('common.cancel'),
                });
                if (!ok) return;
                await run(async () => {
                  await persist();
                  await submit.mutateAsync();
                  navigate('/me/applications', { replace: true });
                  Toast.show({ content: t('bundle.sent') });
                });
              }}
            >
              {t('apply.submit')}
            </Button>
          </div>
        </div>
      </div>
    </>
  );
}

function SubmittedBundle({ view }: { view: BundleApplicationView }) {
  const { t } = useTranslation('government');
  const { language } = useSettings();
  return (
    <section className="card" aria-labelledby="bundle-members">
      <p className="card__intro">
        <CheckCircleFill aria-hidden="true" className="button-icon" />
        {t('bundle.submitted', { trackingNo: view.trackingNo ?? '' })}
      </p>
      <h2 id="bundle-members" className="card__title">
        {t('bundle.members')}
      </h2>
      <ul className="gov-materials">
        {view.members.map((m) => (
          <li key={m.id} className="gov-material gov-material--compact">
            <Link to={`/me/applications/${m.id}`}>{pick(language, m.service.nameZh, m.service.nameEn)}</Link>
            <StatusChip status={m.status} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The bundle application screen (/bundles/:code/apply). */
export function BundleApplyScreen() {
  const { t } = useTranslation('government');
  const { language } = useSettings();
  const { code = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const id = params.get('id') ?? '';
  const bundle = useBundle(code);
  const application = useBundleApplication(id);
  const [startError, setStartError] = useState<unknown>(null);
  const name = bundle.data ? pickNames(language, bundle.data.spec.name) : t('bundle.title');
  useDocumentTitle(name);

  useEffect(() => {
    if (id) return;
    let live = true;
    bundleDraftFor(code).then(
      (found) => live && setParams({ id: found }, { replace: true }),
      (error: unknown) => live && setStartError(error),
    );
    return () => {
      live = false;
    };
  }, [code, id, setParams]);

  const content = () => {
    if (startError) return <ErrorState error={startError} />;
    if (bundle.isError) return <ErrorState error={bundle.error} onRetry={() => bundle.refetch()} />;
    if (application.isError) return <ErrorState error={application.error} onRetry={() => application.refetch()} />;
    if (!bundle.data || !application.data) return <Loading lines={8} label={t('apply.starting')} />;
    const view = application.data;
    return (
      <>
        <section className="card" aria-labelledby="bundle-about">
          <h2 id="bundle-about" className="card__title">
            {t('bundle.about')}
          </h2>
          <p>{pickNames(language, bundle.data.spec.summary)}</p>
          <p className="card__intro">{t('bundle.intro', { count: view.members.length })}</p>
        </section>
        {view.status === 'draft' ? (
          <BundleEditor key={view.id} view={view} form={bundle.data.spec.sharedForm as unknown as ObjectSchema} />
        ) : (
          <SubmittedBundle view={view} />
        )}
      </>
    );
  };

  return (
    <div className="page page--narrow gov-page gov-page--form">
      <PageHeading title={name} back />
      {content()}
    </div>
  );
}
