/** Tenancy: the province and its cities, and the city scope of `/cities/:city/…` routes. */
export { findCity, findTenant, insertTenants, listCities, listTenants } from './repository.ts';
export { tenancyRoutes } from './routes.ts';
export { CityParams, cityOf, cityScope, requireCity } from './scope.ts';
