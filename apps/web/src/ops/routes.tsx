/** Routes of the operations centre's screen (the city at a glance, live), at /ops. */
import { lazy } from 'react';
import type { RouteObject } from 'react-router';
import { RouteError } from '../citizen/NotFoundScreen.tsx';

const OpsArea = lazy(() => import('./OpsArea.tsx').then((m) => ({ default: m.OpsArea })));
const OpsScreen = lazy(() => import('./OpsScreen.tsx').then((m) => ({ default: m.OpsScreen })));

/** The ops area's routes (top level of the app's router). */
export const opsRoutes: RouteObject[] = [
  {
    path: 'ops',
    element: <OpsArea />,
    errorElement: <RouteError />,
    children: [{ index: true, element: <OpsScreen /> }],
  },
];
