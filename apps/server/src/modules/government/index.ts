/** Digital government: the service catalog, applications, e-certificates, ratings. The only import surface of the module. */
export {
  type CatalogInput,
  type CertificateTypeInput,
  findService,
  type ImportSummary,
  importCatalog,
  type LifeEventInput,
  ServiceSpecProblems,
  type ThemeInput,
} from './catalog.ts';
export { governmentRoutes } from './module.ts';
