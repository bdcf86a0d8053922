/** Organisation: the departments of each city. */
export { findDepartment, insertDepartments, listDepartments, type NewDepartment } from './repository.ts';
export { orgRoutes } from './routes.ts';
