/** The API's shapes as zod schemas (each schema and its type share one name), shared by server, web and CLI. */
export * from './files.ts';
export * from './geo.ts';
export * from './government.ts';
export * from './identity-citizen.ts';
export * from './identity-staff.ts';
export * from './org.ts';
export * from './tenancy.ts';
