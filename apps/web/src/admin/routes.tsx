/** Routes of administration (departments, staff, categories and dispatch rules, services), at /admin. */
import { lazy } from 'react';
import { Navigate, type RouteObject } from 'react-router';
import { RouteError } from '../citizen/NotFoundScreen.tsx';

const AdminArea = lazy(() => import('./AdminArea.tsx').then((m) => ({ default: m.AdminArea })));
const DepartmentsScreen = lazy(() => import('./DepartmentsScreen.tsx').then((m) => ({ default: m.DepartmentsScreen })));
const StaffScreen = lazy(() => import('./StaffScreen.tsx').then((m) => ({ default: m.StaffScreen })));
const DispatchScreen = lazy(() => import('./DispatchScreen.tsx').then((m) => ({ default: m.DispatchScreen })));
const ServicesScreen = lazy(() => import('./ServicesScreen.tsx').then((m) => ({ default: m.ServicesScreen })));
const ServiceScreen = lazy(() => import('./ServiceScreen.tsx').then((m) => ({ default: m.ServiceScreen })));

/** The admin area's routes (top level of the app's router). */
export const adminRoutes: RouteObject[] = [
  {
    path: 'admin',
    element: <AdminArea />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="staff" replace /> },
      { path: 'departments', element: <DepartmentsScreen /> },
      { path: 'staff', element: <StaffScreen /> },
      { path: 'dispatch', element: <DispatchScreen /> },
      { path: 'services', element: <ServicesScreen /> },
      { path: 'services/:code', element: <ServiceScreen /> },
      { path: '*', element: <Navigate to="staff" replace /> },
    ],
  },
];
