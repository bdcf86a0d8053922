/**
 * The app: data fetching (TanStack Query), antd-mobile's language, and the routes. Every
 * screen is its own chunk (React.lazy), so the first visit loads only the shell and the screen
 * it opens.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider } from 'antd-mobile';
import { useEffect } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { adminRoutes } from './admin/routes.tsx';
import { citizenRoutes } from './citizen/routes.tsx';
import { opsRoutes } from './ops/routes.tsx';
import { ApiError } from './shared/api/client.ts';
import { admLocale, i18n } from './shared/i18n/index.ts';
import { useSettings } from './shared/settings.ts';
import { staffRoutes } from './staff/routes.tsx';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not change by asking again; a network failure or 5xx may.
      retry: (failures, error) =>
        failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: false,
    },
  },
});

// The citizen app at `/`; the staff workbench, operations screen and administration under their own paths.
const router = createBrowserRouter([...staffRoutes, ...opsRoutes, ...adminRoutes, ...citizenRoutes]);

/** The whole app. */
export function App() {
  const { language } = useSettings();
  useEffect(() => {
    // Errors already shown carry the server's wording in the old language: ask again.
    const refetchErrors = () => {
      void queryClient.refetchQueries({ predicate: (query) => query.state.status === 'error' });
    };
    i18n.on('languageChanged', refetchErrors);
    return () => i18n.off('languageChanged', refetchErrors);
  }, []);
  return (
    <QueryClientProvider client={queryClient}>
      <ConfigProvider locale={admLocale(language)}>
        <RouterProvider router={router} />
      </ConfigProvider>
    </QueryClientProvider>
  );
}
