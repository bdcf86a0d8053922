/**
 * The demo city's government service catalog (政务服务事项目录) as data: 200-odd services of 22
 * departments modelled on real Chinese government services, with their themes, life events,
 * materials (and which of them the city already holds), time limits, forms (JSON Schema),
 * workflows and the e-certificates they issue; bundles (一件事一次办); and a generator that
 * expands the catalog to thousands of services for benchmarks. The data lives in `services/`.
 */
export type { FieldDef } from './services/build.ts';
export { demoBundles } from './services/bundles.ts';
export { demoServices } from './services/catalog.ts';
export { generateCatalog } from './services/generate.ts';
export * from './services/model.ts';
export { sampleApplication } from './services/sample.ts';
