/**
 * How an application looks to its applicant and to staff: its answers and where pre-filled
 * ones came from, each required material and what satisfies it (a certificate the city holds,
 * uploads, the form itself), the fee, the time limits, and the timeline.
 */

import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { ServiceSpec } from '#contracts';
import type { ApplicationRow } from './applications.ts';
import type { ApplicationLogTable } from './schema.ts';

/** One required material and how it is satisfied. */
export const MaterialView = z.object({
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  kind: z.enum(['form', 'certificate', 'upload', 'id']),
  optional: z.boolean(),
  heldBy: z.string().nullable().describe('The certificate type the city holds for it (免提交), if any'),
  satisfiedBy: z
    .enum(['form', 'held', 'upload'])
    .nullable()
    .describe('`held`: attached by reference to a certificate the city holds; `upload`: files; null: still missing'),
  credentialIds: z.array(z.string()),
  fileIds: z.array(z.string()),
});

/** One entry of an application's timeline. */
export const TimelineEntry = z.object({
  seq: z.number().int(),
  kind: z.string(),
  visibility: z.enum(['applicant', 'internal']),
  actorKind: z.enum(['citizen', 'staff', 'system']),
  departmentId: z.string().nullable(),
  body: z.record(z.string(), z.unknown()),
  at: z.iso.datetime(),
});

/** An application as its applicant (or staff) sees it. */
export const ApplicationView = z.object({
  id: z.string(),
  trackingNo: z.string().nullable(),
  cityId: z.string(),
  service: z.object({ code: z.string(), version: z.number().int(), nameZh: z.string(), nameEn: z.string() }),
  bundleApplicationId: z.string().nullable(),
  enterpriseId: z.string().nullable(),
  status: z.enum(['draft', 'waiting', 'in_progress', 'awaiting_applicant', 'approved', 'rejected', 'withdrawn']),
  answers: z.record(z.string(), z.unknown()),
  prefilled: z.record(z.string(), z.string()).describe('Field → where its pre-filled value came from'),
  materials: z.array(MaterialView),
  feeFen: z.number().int(),
  paid: z.boolean(),
  credentialId: z.string().nullable().describe('The e-certificate issued on approval'),
  promisedDays: z.number(),
  legalDays: z.number().int(),
  submittedAt: z.iso.datetime().nullable(),
  completedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  timeline: z.array(TimelineEntry),
});
/** An application as its applicant (or staff) sees it. */
export type ApplicationView = z.infer<typeof ApplicationView>;

type Material = {
  material_code: string;
  source: 'held' | 'upload';
  credential_id: string | null;
  file_id: string | null;
};

/** Each material of `spec` with what satisfies it among `attached`. */
export function materialViews(spec: ServiceSpec, attached: readonly Material[]) {
  return spec.materials.map((m) => {
    const mine = attached.filter((a) => a.material_code === m.code);
    const credentialIds = mine.filter((a) => a.credential_id).map((a) => a.credential_id as string);
    const fileIds = mine.filter((a) => a.file_id).map((a) => a.file_id as string);
    const satisfiedBy =
      m.kind === 'form'
        ? ('form' as const)
        : credentialIds.length
          ? ('held' as const)
          : fileIds.length
            ? ('upload' as const)
            : null;
    return {
      code: m.code,
      nameZh: m.name.zh,
      nameEn: m.name.en,
      kind: m.kind,
      optional: m.optional ?? false,
      heldBy: m.heldBy ?? null,
      satisfiedBy,
      credentialIds,
      fileIds,
    };
  });
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** The view of an application. */
export function applicationView(
  row: ApplicationRow,
  spec: ServiceSpec,
  attached: readonly Material[],
  log: readonly Selectable<ApplicationLogTable>[],
): ApplicationView {
  return {
    id: row.id,
    trackingNo: row.tracking_no,
    cityId: row.city_id,
    service: { code: row.service_code, version: row.service_version, nameZh: spec.name.zh, nameEn: spec.name.en },
    bundleApplicationId: row.bundle_application_id,
    enterpriseId: row.enterprise_id,
    status: row.status,
    answers: row.answers,
    prefilled: row.prefilled,
    materials: materialViews(spec, attached),
    feeFen: row.fee_fen,
    paid: row.paid_at !== null,
    credentialId: row.credential_id,
    promisedDays: spec.promisedDays,
    legalDays: spec.legalDays,
    submittedAt: iso(row.submitted_at),
    completedAt: iso(row.completed_at),
    createdAt: iso(row.created_at) as string,
    timeline: log.map((e) => ({
      seq: e.seq,
      kind: e.kind,
      visibility: e.visibility,
      actorKind: e.actor_kind,
      departmentId: e.department_id,
      body: e.body,
      at: new Date(e.at).toISOString(),
    })),
  };
}
