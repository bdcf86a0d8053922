/** Screens for signed-in citizens only: anyone else is sent to sign in and brought back afterwards. */
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from '../shared/api/session.ts';
import { ErrorState, Loading } from '../shared/ui/states.tsx';

/** Renders `children` for a signed-in citizen; redirects to sign-in otherwise. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <Loading />;
  if (session.isError) return <ErrorState error={session.error} onRetry={() => session.refetch()} />;
  if (session.data?.principal.kind !== 'citizen') {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return children;
}
