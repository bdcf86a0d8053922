/**
 * Starting to apply for a service: continues my draft of it, or starts one (pre-filled from my
 * profile, the certificates the city holds attached by reference), then opens its form.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useParams } from 'react-router';
import { draftFor } from '../../shared/api/applications.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { ErrorState, Loading } from '../../shared/ui/states.tsx';

/** Drafts being found or made, by service: one request each, however often the screen renders. */
const pending = new Map<string, Promise<string>>();

/** The apply screen (/services/:code/apply). */
export function ApplyScreen() {
  const { t } = useTranslation('government');
  const { code = '' } = useParams();
  const client = useQueryClient();
  const [state, setState] = useState<{ id?: string; error?: unknown; attempt: number }>({ attempt: 0 });
  useDocumentTitle(t('apply.title'));

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs again when the person retries
  useEffect(() => {
    let live = true;
    let draft = pending.get(code);
    if (!draft) {
      draft = draftFor(code).finally(() => pending.delete(code));
      pending.set(code, draft);
    }
    draft.then(
      (id) => {
        void client.invalidateQueries({ queryKey: ['my-applications'] });
        if (live) setState((s) => ({ ...s, id }));
      },
      (error: unknown) => live && setState((s) => ({ ...s, error })),
    );
    return () => {
      live = false;
    };
  }, [code, state.attempt]);

  if (state.id) return <Navigate to={`/me/applications/${state.id}/edit`} replace />;
  return (
    <div className="page page--narrow">
      <PageHeading title={t('apply.title')} back />
      {state.error ? (
        <ErrorState error={state.error} onRetry={() => setState((s) => ({ attempt: s.attempt + 1 }))} />
      ) : (
        <Loading lines={6} label={t('apply.starting')} />
      )}
    </div>
  );
}
