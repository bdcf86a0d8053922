/**
 * Digital government: the service catalog (政务服务事项) and its bundles (一件事一次办), as an
 * administrator writes them and as citizens read them.
 */
import { z } from 'zod';

const code = z
  .string()
  .trim()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by hyphens')
  .max(80);

/** A text in both languages OneCity speaks. */
export const Names = z.object({ zh: z.string().trim().min(1).max(500), en: z.string().trim().min(1).max(1000) });
/** A text in both languages OneCity speaks. */
export type Names = z.infer<typeof Names>;

/** Who a service is for: 个人 (citizens), 法人 (enterprises and other organisations), or both. */
export const ServiceAudience = z.enum(['citizen', 'enterprise', 'both']);
/** Who a service is for. */
export type ServiceAudience = z.infer<typeof ServiceAudience>;

/** One required material (申请材料). */
export const ServiceMaterial = z.object({
  code,
  name: Names,
  kind: z
    .enum(['form', 'certificate', 'upload', 'id'])
    .describe(
      '`form`: the online form itself; `certificate`: an e-certificate; `upload`: a file; `id`: an identity document',
    ),
  heldBy: code
    .optional()
    .describe('The certificate type the city already holds for it: attached by reference, never uploaded (免提交)'),
  optional: z.boolean().optional(),
  otherParty: z.boolean().optional().describe("Another party's document, looked up from the form"),
});
/** One required material (申请材料). */
export type ServiceMaterial = z.infer<typeof ServiceMaterial>;

/**
 * An application form: a JSON Schema (draft 2020-12) object. Its content is checked by a JSON Schema
 * validator when the service is saved; here only its outline.
 */
export const FormSchema = z
  .object({
    $schema: z.literal('https://json-schema.org/draft/2020-12/schema'),
    type: z.literal('object'),
    title: z.string().min(1),
    'x-title-en': z.string().min(1),
    properties: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,63}$/), z.record(z.string(), z.unknown())),
    required: z.array(z.string()),
    additionalProperties: z.literal(false),
  })
  .loose();
/** An application form: a JSON Schema (draft 2020-12) object. */
export type FormSchema = z.infer<typeof FormSchema>;

/** One step of a service's workflow; steps sharing a `parallelGroup` run at the same time (会签). */
export const WorkflowStepSpec = z.object({
  code,
  name: Names,
  departmentCode: code,
  role: z.enum(['clerk', 'supervisor']),
  parallelGroup: code.optional(),
});
/** One step of a service's workflow. */
export type WorkflowStepSpec = z.infer<typeof WorkflowStepSpec>;

/** A government service (政务服务事项) as an administrator writes it. */
export const ServiceSpec = z
  .object({
    code,
    name: Names,
    departmentCode: code,
    audience: ServiceAudience,
    themes: z.array(code).max(10),
    lifeEvents: z.array(code).max(10),
    summary: Names,
    materials: z.array(ServiceMaterial).max(40),
    fee: z.object({ amountFen: z.number().int().min(0).max(100_000_000), note: Names.optional() }),
    legalDays: z
      .number()
      .int()
      .min(0)
      .max(365)
      .describe('Time limit by law (法定办结时限), working days; 0 = on the spot'),
    promisedDays: z
      .number()
      .min(0)
      .max(365)
      .multipleOf(0.5)
      .describe('Time limit the city promises (承诺办结时限), working days (half days allowed)'),
    visits: z.union([z.literal(0), z.literal(1)]).describe('Trips to a counter the applicant makes (最多跑一次)'),
    visitReason: Names.optional(),
    online: z.boolean(),
    eligibility: Names,
    form: FormSchema,
    workflow: z.object({ code, steps: z.array(WorkflowStepSpec).min(1).max(20) }),
    issues: z
      .object({ certificateType: code, name: Names, validityYears: z.number().int().min(1).max(100).optional() })
      .optional(),
    variantOf: code.optional(),
    zoneCode: z.string().max(64).optional(),
  })
  .refine((s) => s.promisedDays <= s.legalDays, {
    message: 'promisedDays must not exceed legalDays',
    path: ['promisedDays'],
  })
  .refine((s) => s.visits === 1 || s.online, { message: 'a zero-visit service must be online', path: ['online'] })
  .refine((s) => s.visits === 0 || s.visitReason !== undefined, {
    message: 'say why the visit is needed',
    path: ['visitReason'],
  });
/** A government service (政务服务事项) as an administrator writes it. */
export type ServiceSpec = z.infer<typeof ServiceSpec>;

/** A bundle of services applied for together with one form (一件事一次办). */
export const BundleSpec = z.object({
  code,
  name: Names,
  summary: Names,
  lifeEvent: code,
  services: z.array(code).min(2).max(10),
  sharedForm: FormSchema,
  presets: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))).optional(),
});
/** A bundle of services applied for together with one form. */
export type BundleSpec = z.infer<typeof BundleSpec>;

/** A department as the catalog shows it. */
export const CatalogDepartment = z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string() });

/** A service in a list: enough to choose it. */
export const ServiceSummary = z.object({
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  summaryZh: z.string(),
  summaryEn: z.string(),
  department: CatalogDepartment,
  audience: ServiceAudience,
  themes: z.array(z.string()),
  lifeEvents: z.array(z.string()),
  visits: z.number().int(),
  online: z.boolean(),
  legalDays: z.number().int(),
  promisedDays: z.number(),
  feeFen: z.number().int(),
  issuesCertificate: z.string().nullable(),
  version: z.number().int(),
});
/** A service in a list. */
export type ServiceSummary = z.infer<typeof ServiceSummary>;

/** `GET /api/v1/cities/{city}/services/{code}`: everything an applicant needs to know before applying. */
export const ServiceDetail = ServiceSummary.extend({
  spec: z
    .record(z.string(), z.unknown())
    .describe('The service as written (materials, fee, form, workflow, certificate)'),
  updatedAt: z.iso.datetime(),
});
/** One service in full. */
export type ServiceDetail = z.infer<typeof ServiceDetail>;

/** One version of a service in its history. */
export const ServiceVersionInfo = z.object({
  version: z.number().int(),
  note: z.string(),
  createdBy: z.string().nullable(),
  createdAt: z.iso.datetime(),
});

/** A theme (主题) or life event (人生事件) with the number of services in it. */
export const CatalogGroup = z.object({
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  audience: z.enum(['citizen', 'enterprise']).nullable(),
  services: z.number().int(),
});
/** A theme or life event with the number of services in it. */
export type CatalogGroup = z.infer<typeof CatalogGroup>;

/** Where a form field's value may come from when the applicant is signed in (`x-prefill`). */
export const PrefillPaths = [
  'profile.name',
  'profile.nationalId',
  'profile.phone',
  'profile.email',
  'profile.address',
  'profile.householdAddress',
  'profile.gender',
  'profile.birthDate',
  'enterprise.uscc',
  'enterprise.name',
  'enterprise.legalRepresentative',
  'enterprise.address',
  'enterprise.contactName',
  'enterprise.contactPhone',
] as const;
/** One of {@link PrefillPaths}. */
export type PrefillPath = (typeof PrefillPaths)[number];

/** The keywords OneCity adds to JSON Schema in forms: English titles, pre-fill sources, bundle mappings. */
export const FormKeywords = ['x-title-en', 'x-prefill', 'x-maps-to'] as const;
