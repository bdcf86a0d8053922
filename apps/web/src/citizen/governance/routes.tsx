/**
 * The citizen app's city-governance screens (reporting a problem, my reports), notifications,
 * who accessed my data and privacy and consents, mounted inside the citizen layout, and their
 * entries on "me". Every screen is its own chunk; so are the "me" entries, which count unread
 * notifications.
 */
import { lazy, type ReactNode, Suspense } from 'react';
import type { RouteObject } from 'react-router';
import { RequireSignIn } from '../RequireSignIn.tsx';

const ReportScreen = lazy(() => import('./ReportScreen.tsx').then((m) => ({ default: m.ReportScreen })));
const MyReportsScreen = lazy(() => import('./MyReportsScreen.tsx').then((m) => ({ default: m.MyReportsScreen })));
const ReportDetailScreen = lazy(() =>
  import('./ReportDetailScreen.tsx').then((m) => ({ default: m.ReportDetailScreen })),
);
const NotificationsScreen = lazy(() =>
  import('./NotificationsScreen.tsx').then((m) => ({ default: m.NotificationsScreen })),
);
const DataAccessScreen = lazy(() => import('./DataAccessScreen.tsx').then((m) => ({ default: m.DataAccessScreen })));
const PrivacyScreen = lazy(() => import('./PrivacyScreen.tsx').then((m) => ({ default: m.PrivacyScreen })));
const MeLinks = lazy(() => import('./MeLinks.tsx').then((m) => ({ default: m.MeLinks })));

const signedIn = (element: ReactNode) => <RequireSignIn>{element}</RequireSignIn>;

/** Routes of the governance screens (children of the citizen layout). */
export const governanceRoutes: RouteObject[] = [
  { path: 'report', element: signedIn(<ReportScreen />) },
  { path: 'me/reports', element: signedIn(<MyReportsScreen />) },
  { path: 'me/reports/:trackingNo', element: signedIn(<ReportDetailScreen />) },
  { path: 'me/notifications', element: signedIn(<NotificationsScreen />) },
  { path: 'me/data-access', element: signedIn(<DataAccessScreen />) },
  { path: 'me/privacy', element: signedIn(<PrivacyScreen />) },
];

/** The governance entries of the signed-in citizen's "me" screen. */
export function GovernanceMeLinks() {
  return (
    <Suspense fallback={null}>
      <MeLinks />
    </Suspense>
  );
}
