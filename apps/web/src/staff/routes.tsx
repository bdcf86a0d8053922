/** Routes of the department staff's workbench (queues, work orders, applications to review), at /staff. */
import { lazy } from 'react';
import type { RouteObject } from 'react-router';

const StaffRoot = lazy(() => import('./Layout.tsx').then((m) => ({ default: m.StaffRoot })));
const StaffShell = lazy(() => import('./Layout.tsx').then((m) => ({ default: m.StaffShell })));
const SignInScreen = lazy(() => import('./sign-in/SignInScreen.tsx').then((m) => ({ default: m.SignInScreen })));
const QueueScreen = lazy(() => import('./work-orders/QueueScreen.tsx').then((m) => ({ default: m.QueueScreen })));
const WorkOrderScreen = lazy(() =>
  import('./work-orders/WorkOrderScreen.tsx').then((m) => ({ default: m.WorkOrderScreen })),
);
const TaskQueueScreen = lazy(() =>
  import('./applications/TaskQueueScreen.tsx').then((m) => ({ default: m.TaskQueueScreen })),
);
const ApplicationScreen = lazy(() =>
  import('./applications/ApplicationScreen.tsx').then((m) => ({ default: m.ApplicationScreen })),
);
const StaffNotFound = lazy(() => import('./NotFound.tsx').then((m) => ({ default: m.StaffNotFound })));

/** The staff area's routes (top level of the app's router). */
export const staffRoutes: RouteObject[] = [
  {
    path: 'staff',
    element: <StaffRoot />,
    children: [
      { path: 'sign-in', element: <SignInScreen /> },
      {
        element: <StaffShell />,
        children: [
          { index: true, element: <QueueScreen /> },
          { path: 'work-orders/:id', element: <WorkOrderScreen /> },
          { path: 'applications', element: <TaskQueueScreen /> },
          { path: 'applications/:id', element: <ApplicationScreen /> },
          { path: '*', element: <StaffNotFound /> },
        ],
      },
    ],
  },
];
