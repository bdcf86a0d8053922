/** The citizen app's screens, each loaded on demand (route-level code splitting). */
import { lazy } from 'react';
import type { RouteObject } from 'react-router';
import { governanceRoutes } from './governance/routes.tsx';
import { governmentRoutes } from './government/routes.tsx';
import { CitizenLayout } from './Layout.tsx';
import { NotFoundScreen, RouteError } from './NotFoundScreen.tsx';
import { passkeyRoutes } from './passkeys/routes.tsx';

const HomeScreen = lazy(() => import('./home/HomeScreen.tsx').then((m) => ({ default: m.HomeScreen })));
const SearchScreen = lazy(() => import('./search/SearchScreen.tsx').then((m) => ({ default: m.SearchScreen })));
const ServiceScreen = lazy(() => import('./service/ServiceScreen.tsx').then((m) => ({ default: m.ServiceScreen })));
const SignInScreen = lazy(() => import('./sign-in/SignInScreen.tsx').then((m) => ({ default: m.SignInScreen })));
const MeScreen = lazy(() => import('./me/MeScreen.tsx').then((m) => ({ default: m.MeScreen })));
const SettingsScreen = lazy(() => import('./settings/SettingsScreen.tsx').then((m) => ({ default: m.SettingsScreen })));

/** Routes of the citizen app, mounted at `/`. */
export const citizenRoutes: RouteObject[] = [
  {
    element: <CitizenLayout />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <HomeScreen /> },
      { path: 'search', element: <SearchScreen /> },
      { path: 'services/:code', element: <ServiceScreen /> },
      ...governmentRoutes,
      ...governanceRoutes,
      { path: 'sign-in', element: <SignInScreen /> },
      { path: 'me', element: <MeScreen /> },
      ...passkeyRoutes,
      { path: 'settings', element: <SettingsScreen /> },
      { path: '*', element: <NotFoundScreen /> },
    ],
  },
];
