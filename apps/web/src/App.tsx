/**
 * The app: data fetching (TanStack Query), antd-mobile's language, and the routes. Every
 * screen is its own chunk (React.lazy), so the first visit loads only the shell and the screen
 * it opens. The browser (boot.tsx) and the server's first render (entry-server.tsx) wrap the
 * same routes in the same providers, each with its own router.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider } from 'antd-mobile';
import { type ReactNode, useEffect } from 'react';
import type { RouteObject } from 'react-router';
import { adminRoutes } from './admin/routes.tsx';
import { citizenRoutes } from './citizen/routes.tsx';
import { opsRoutes } from './ops/routes.tsx';
import { ApiError } from './shared/api/client.ts';
import { admLocale, i18n } from './shared/i18n/index.ts';
import { useSettings } from './shared/settings.ts';
import { staffRoutes } from './staff/routes.tsx';

/** A query cache with the app's rules. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not change by asking again; a network failure or 5xx may.
        retry: (failures, error) =>
          failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
        refetchOnWindowFocus: false,
      },
    },
  });
}

/** The citizen app at `/`; the staff workbench, operations screen and administration under their own paths. */
export const appRoutes: RouteObject[] = [...staffRoutes, ...opsRoutes, ...adminRoutes, ...citizenRoutes];

/** The providers around the router: the query cache and antd-mobile's texts in the current language. */
export function AppProviders({ queryClient, children }: { queryClient: QueryClient; children: ReactNode }) {
  const { language } = useSettings();
  useEffect(() => {
    // The app has taken the page over (or drawn it): its buttons answer from now on.
    document.documentElement.dataset.app = 'ready';
  }, []);
  useEffect(() => {
    // Errors already shown carry the server's wording in the old language: ask again.
    const refetchErrors = () => {
      void queryClient.refetchQueries({ predicate: (query) => query.state.status === 'error' });
    };
    i18n.on('languageChanged', refetchErrors);
    return () => i18n.off('languageChanged', refetchErrors);
  }, [queryClient]);
  return (
    <QueryClientProvider client={queryClient}>
      <ConfigProvider locale={admLocale(language)}>{children}</ConfigProvider>
    </QueryClientProvider>
  );
}
