/** The city this installation's citizen app serves (the demo province's first city). */
export const CITY = 'lingnan';

/** Where every API path starts. */
export const API_BASE = '/api/v1';

/** The city's part of the API. */
export const CITY_API = `${API_BASE}/cities/${CITY}`;
