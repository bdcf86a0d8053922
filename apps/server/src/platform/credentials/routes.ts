/**
 * E-certificate routes. Public: each city's key set and signed revocation list, the
 * verification API, and the verification page a certificate's QR code opens (at /verify/:id,
 * outside /api). Citizens: their wallet — their own certificates and those of the enterprise
 * they act for, each with its signed JWS, QR code, certificate page and PDF; anyone else's is a
 * 404. Staff: a department's issued certificates, revocation by the issuing department's
 * supervisors and administrators. Platform administrators: key rotation and withdrawal.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Locale } from '../../config.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { limitOffset, PageInfo, pageQuery } from '../http/paging.ts';
import { requestLocale } from '../http/problem.ts';
import { access } from '../identity/access.ts';
import { citizenOf, staffOfCity } from '../identity/auth.ts';
import { hitAll, ipKey, type RateLimit } from '../identity/citizen/rate-limit.ts';
import { CityParams, cityOf, cityScope } from '../tenancy/scope.ts';
import { credentialContext, verificationPageUrl } from './context.ts';
import {
  type CredentialRecord,
  CredentialStates,
  credentialState,
  getCredential,
  type HolderRef,
  listHeldBy,
  listIssuedBy,
  openCredential,
} from './issue.ts';
import { listKeys, publishedKeySet, rotateKey, withdrawKey } from './keys.ts';
import { verifyPresented, verifyStored } from './online.ts';
import { renderVerificationPage } from './pages.ts';
import { certificateView, issuerNames, publicDetails, staffMayRevokeCredential } from './present.ts';
import { qrDataUrl, qrSvg, renderCertificateHtml, renderCertificatePdf } from './render.ts';
import { currentRevocationList, rebuildRevocationList, revokeCredential } from './revocation.ts';
import { maskHolderName, RevocationReasons } from './texts.ts';
import { VerificationFailures } from './verify.ts';

const MINUTE = 60_000;
/** How often one address may ask to verify: generous for a checkpoint, a brake on scraping. */
export const credentialLimits = {
  verifyPerIp: { name: 'credential-verify:ip', max: 300, windowMs: 15 * MINUTE },
  pagePerIp: { name: 'credential-page:ip', max: 300, windowMs: 15 * MINUTE },
  /** PDFs take a tenth of a second of CPU each. */
  pdfPerCitizen: { name: 'credential-pdf:citizen', max: 60, windowMs: 60 * MINUTE },
} as const satisfies Record<string, RateLimit>;

const uuid = z.uuid();
const Names = z.object({ zh: z.string(), en: z.string() });

const LangQuery = z.object({
  lang: z.enum(['zh-CN', 'zh', 'en']).optional().describe('Language (otherwise from Accept-Language)'),
});

/** `?lang=` first, then Accept-Language. */
function pageLocale(request: FastifyRequest, lang: string | undefined): Locale {
  if (lang === 'en') return 'en';
  if (lang === 'zh' || lang === 'zh-CN') return 'zh-CN';
  return requestLocale(request);
}

const Jwk = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string(),
  kid: z.string(),
  alg: z.literal('EdDSA'),
  use: z.literal('sig'),
  status: z.enum(['current', 'retired']).describe('current signs new certificates; retired only verifies'),
  created: z.iso.datetime(),
  retired: z.iso.datetime().optional(),
});

const RevocationList = z.object({
  cityId: z.string(),
  jws: z
    .string()
    .describe(
      'The signed list (compact JWS, typ revocation-list+jwt): payload { type, iss, cityId, iat, revoked: [{ id, revokedAt, reason }] }',
    ),
  kid: z.string(),
  entries: z.number().int(),
  issuedAt: z.iso.datetime(),
});

const Department = z.object({ id: z.string(), code: z.string(), name: Names });

const Summary = z.object({
  id: z.string(),
  cityId: z.string(),
  typeCode: z.string(),
  typeName: Names,
  issuer: z.object({ city: Names, department: Department }),
  holder: z.object({
    kind: z.enum(['citizen', 'enterprise']),
    display: z.string().describe('The name as verifiers see it (masked for citizens)'),
  }),
  validFrom: z.iso.datetime(),
  validUntil: z.iso.datetime().nullable(),
  issuedAt: z.iso.datetime(),
  state: z.enum(CredentialStates),
  revocation: z.object({ at: z.iso.datetime(), reason: z.enum(RevocationReasons) }).nullable(),
  verifyUrl: z.string(),
});

const ClaimValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const Detail = Summary.extend({
  jws: z.string().describe('The signed credential (compact JWS, typ vc+jwt): what verifiers check'),
  holderName: z.string(),
  claims: z.record(z.string(), ClaimValue),
  claimLabels: z.record(z.string(), Names),
  kid: z.string(),
  qr: z.object({
    svg: z.string().describe('The QR code of verifyUrl as an SVG document'),
    dataUrl: z.string().describe('The same QR code as a PNG data URL'),
  }),
});

const StaffItem = Summary.extend({
  source: z.object({ kind: z.string(), id: z.string() }),
  revocationNote: z.string().nullable(),
});

const VerifyBody = z.object({
  credential: z.string().min(1).max(65_536).describe('The credential as a compact JWS'),
});

const VerifyAnswer = z.object({
  valid: z.boolean(),
  reason: z.enum(VerificationFailures).nullable().describe('Why it is not valid'),
  detail: z.string().nullable(),
  revocationChecked: z.boolean(),
  credential: z
    .object({
      id: z.string(),
      kid: z.string(),
      typeCode: z.string(),
      typeName: Names,
      issuer: z.object({
        id: z.string(),
        cityId: z.string().nullable(),
        department: z.object({ id: z.string(), code: z.string().nullable(), name: Names }).nullable(),
      }),
      holder: z.object({ kind: z.enum(['citizen', 'enterprise']), display: z.string() }),
      validFrom: z.string(),
      validUntil: z.string().nullable(),
      issuedAt: z.string(),
    })
    .nullable()
    .describe('What a verifier needs (present once the signature checked out); never ID numbers'),
  revocation: z.object({ revokedAt: z.string(), reason: z.string() }).nullable(),
});

const KeyAnswer = z.object({
  kid: z.string(),
  status: z.enum(['current', 'retired', 'withdrawn']),
  createdAt: z.iso.datetime(),
  retiredAt: z.iso.datetime().nullable(),
  withdrawnAt: z.iso.datetime().nullable(),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A department and its city as lists show them. */
interface DepartmentNames {
  id: string;
  code: string;
  name: { zh: string; en: string };
  city: { zh: string; en: string };
}

/** Department names by id, for lists (one query). */
async function departmentsById(db: Kysely<Database>, ids: string[]): Promise<Map<string, DepartmentNames>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await db
    .selectFrom('departments as d')
    .innerJoin('tenants as t', 't.id', 'd.city_id')
    .select(['d.id', 'd.code', 'd.name_zh', 'd.name_en', 't.name_zh as city_zh', 't.name_en as city_en'])
    .where('d.id', 'in', unique)
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      { id: r.id, code: r.code, name: { zh: r.name_zh, en: r.name_en }, city: { zh: r.city_zh, en: r.city_en } },
    ]),
  );
}

async function summaries(db: Kysely<Database>, records: CredentialRecord[], publicUrl: string, now: Date) {
  const departments = await departmentsById(
    db,
    records.map((r) => r.issuerDepartmentId),
  );
  return records.map((r) => {
    const d = departments.get(r.issuerDepartmentId);
    return {
      id: r.id,
      cityId: r.cityId,
      typeCode: r.typeCode,
      typeName: r.typeName,
      issuer: {
        city: d?.city ?? { zh: r.cityId, en: r.cityId },
        department: { id: r.issuerDepartmentId, code: d?.code ?? '', name: d?.name ?? { zh: '', en: '' } },
      },
      holder: { kind: r.holder.kind, display: r.holder.display },
      validFrom: r.validFrom.toISOString(),
      validUntil: iso(r.validUntil),
      issuedAt: r.issuedAt.toISOString(),
      state: credentialState(r, now),
      revocation: r.revocation
        ? { at: r.revocation.at.toISOString(), reason: r.revocation.reason as (typeof RevocationReasons)[number] }
        : null,
      verifyUrl: verificationPageUrl(publicUrl, r.id),
      // Only for the staff list (stripped by the wallet's response schema).
      source: r.source,
      revocationNote: r.revocation?.note ?? null,
    };
  });
}

/** The holders whose credentials the signed-in citizen may see: themself and the enterprise they act for. */
function holdersOf(request: FastifyRequest): HolderRef[] {
  const citizen = citizenOf(request);
  return [
    { kind: 'citizen', id: citizen.id },
    ...(citizen.actingFor ? [{ kind: 'enterprise' as const, id: citizen.actingFor.enterpriseId }] : []),
  ];
}

/** A credential of the caller's holders, opened; anyone else's is CREDENTIAL_NOT_FOUND (never a hint it exists). */
async function ownCredential(request: FastifyRequest, id: string) {
  const { db, pii } = request.server.platform;
  const holders = holdersOf(request);
  const record = await getCredential(db, id);
  if (!record || !holders.some((h) => h.kind === record.holder.kind && h.id === record.holder.id)) {
    throw new AppError('CREDENTIAL_NOT_FOUND', { id });
  }
  const opened = await openCredential(db, pii, record.id);
  if (!opened) throw new AppError('CREDENTIAL_NOT_FOUND', { id });
  return opened;
}

async function limit(request: FastifyRequest, rate: RateLimit, subject: string) {
  const { db, clock } = request.server.platform;
  await hitAll(db, clock.now(), [[rate, subject]]);
}

/** Routes of a city: key set, revocation list, staff lists and revocation, key administration. */
async function cityCredentialRoutes(app: FastifyInstance) {
  cityScope(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const platform = () => app.platform;

  r.get(
    '/cities/:city/credentials/jwks',
    {
      config: { access: access.public() },
      schema: {
        tags: ['credentials'],
        summary:
          'The city’s published signing keys (JWKS, Ed25519): the current key and retired ones, which still verify ' +
          'what they signed. A withdrawn key is no longer listed, so what it signed no longer verifies. Keep a copy to verify offline.',
        params: CityParams,
        response: { 200: z.object({ keys: z.array(Jwk) }) },
      },
    },
    async (request, reply) => {
      const keys = await publishedKeySet(platform().db, cityOf(request).id);
      reply.header('cache-control', 'public, max-age=300');
      return keys as { keys: z.infer<typeof Jwk>[] };
    },
  );

  r.get(
    '/cities/:city/credentials/revocations',
    {
      config: { access: access.public() },
      schema: {
        tags: ['credentials'],
        summary:
          'The city’s signed revocation list: every revoked certificate’s id, time and reason code, signed with the ' +
          'city’s key and the time it was signed. Offline verifiers check certificates against it.',
        params: CityParams,
        response: { 200: RevocationList },
      },
    },
    async (request, reply) => {
      const { db, pii, clock, config } = platform();
      const list = await currentRevocationList(
        db,
        { pii, clock, publicUrl: config.http.publicUrl },
        cityOf(request).id,
      );
      reply.header('cache-control', 'public, max-age=60');
      return { ...list, issuedAt: list.issuedAt.toISOString() };
    },
  );

  r.get(
    '/cities/:city/credentials',
    {
      config: { access: access.staff('clerk', 'supervisor', 'department_admin') },
      schema: {
        tags: ['credentials'],
        summary: 'Certificates your department issued, newest first (holders’ names masked)',
        params: CityParams,
        querystring: z.object({
          ...pageQuery(),
          type: z.string().max(100).optional().describe('Certificate type code'),
          status: z.enum(['active', 'revoked']).optional(),
        }),
        response: { 200: z.object({ items: z.array(StaffItem), ...PageInfo }) },
      },
    },
    async (request) => {
      const city = cityOf(request);
      const staff = staffOfCity(request, city.id);
      const { db, clock, config } = platform();
      const { items, total } = await listIssuedBy(
        db,
        {
          cityId: city.id,
          departmentId: staff.departmentId,
          ...(request.query.type ? { typeCode: request.query.type } : {}),
          ...(request.query.status ? { status: request.query.status } : {}),
        },
        limitOffset(request.query),
      );
      return {
        items: await summaries(db, items, config.http.publicUrl, clock.now()),
        page: request.query.page,
        pageSize: request.query.pageSize,
        total,
      };
    },
  );

  r.post(
    '/cities/:city/credentials/:id/revoke',
    {
      config: { access: access.staff('supervisor', 'department_admin') },
      schema: {
        tags: ['credentials'],
        summary:
          'Revokes a certificate your department issued (supervisors and department administrators). The reason code ' +
          'is published in the revocation list; the note is kept and audited, never published. Other departments get 404.',
        params: CityParams.extend({ id: uuid }),
        body: z.object({
          reason: z.enum(RevocationReasons),
          note: z.string().trim().max(500).optional().describe('Why, in your words (not published)'),
        }),
        response: { 200: StaffItem },
      },
    },
    async (request) => {
      const city = cityOf(request);
      const staff = staffOfCity(request, city.id);
      const { db, clock, config } = platform();
      const record = await getCredential(db, request.params.id);
      if (!record || record.cityId !== city.id || !staffMayRevokeCredential(staff, record)) {
        throw new AppError('CREDENTIAL_NOT_FOUND', { id: request.params.id });
      }
      const ctx = credentialContext(platform(), request.principal, String(request.id));
      const revoked = await db.transaction().execute((trx) =>
        revokeCredential(trx, ctx, {
          cityId: city.id,
          credentialId: record.id,
          reason: request.body.reason,
          note: request.body.note || null,
        }),
      );
      const [item] = await summaries(db, [revoked], config.http.publicUrl, clock.now());
      if (!item) throw new AppError('CREDENTIAL_NOT_FOUND', { id: record.id });
      return item;
    },
  );

  r.get(
    '/cities/:city/credentials/keys',
    {
      config: { access: access.staff('platform_admin') },
      schema: {
        tags: ['credentials'],
        summary: 'Every signing key of the city with its status (withdrawn ones too)',
        params: CityParams,
        response: { 200: z.object({ items: z.array(KeyAnswer) }) },
      },
    },
    async (request) => {
      const city = cityOf(request);
      staffOfCity(request, city.id);
      const keys = await listKeys(platform().db, city.id);
      return {
        items: keys.map((k) => ({
          kid: k.kid,
          status: k.status,
          createdAt: k.createdAt.toISOString(),
          retiredAt: iso(k.retiredAt),
          withdrawnAt: iso(k.withdrawnAt),
        })),
      };
    },
  );

  r.post(
    '/cities/:city/credentials/keys/rotate',
    {
      config: { access: access.staff('platform_admin') },
      schema: {
        tags: ['credentials'],
        summary:
          'Rotates the city’s signing key: a new key signs from now on; the old one is retired but stays published, ' +
          'so what it signed still verifies. The revocation list is re-signed with the new key.',
        params: CityParams,
        response: { 201: KeyAnswer },
      },
    },
    async (request, reply) => {
      const city = cityOf(request);
      staffOfCity(request, city.id);
      const ctx = credentialContext(platform(), request.principal, String(request.id));
      const key = await platform()
        .db.transaction()
        .execute(async (trx) => {
          const made = await rotateKey(trx, ctx, city.id);
          await rebuildRevocationList(trx, ctx, city.id);
          return made;
        });
      reply.code(201);
      return {
        kid: key.kid,
        status: key.status,
        createdAt: key.createdAt.toISOString(),
        retiredAt: null,
        withdrawnAt: null,
      };
    },
  );

  r.post(
    '/cities/:city/credentials/keys/:kid/withdraw',
    {
      config: { access: access.staff('platform_admin') },
      schema: {
        tags: ['credentials'],
        summary:
          'Withdraws a signing key (e.g. when it may have leaked): it leaves the key set and everything it signed ' +
          'fails verification as signed by an unknown key. Withdrawing the current key makes a new one for the next signature.',
        params: CityParams.extend({ kid: z.string().min(1).max(100) }),
        body: z.object({ reason: z.string().trim().min(1).max(500) }),
        response: { 200: KeyAnswer },
      },
    },
    async (request) => {
      const city = cityOf(request);
      staffOfCity(request, city.id);
      const ctx = credentialContext(platform(), request.principal, String(request.id));
      const key = await platform()
        .db.transaction()
        .execute(async (trx) => {
          const withdrawn = await withdrawKey(trx, ctx, {
            cityId: city.id,
            kid: request.params.kid,
            reason: request.body.reason,
          });
          await rebuildRevocationList(trx, ctx, city.id);
          return withdrawn;
        });
      return {
        kid: key.kid,
        status: key.status,
        createdAt: key.createdAt.toISOString(),
        retiredAt: iso(key.retiredAt),
        withdrawnAt: iso(key.withdrawnAt),
      };
    },
  );
}

/** The citizen's wallet (/me/credentials: across cities). */
async function walletRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const platform = () => app.platform;
  const IdParams = z.object({ id: uuid });

  r.get(
    '/me/credentials',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['credentials'],
        summary: 'My e-certificates, and those of the enterprise I am acting for, newest first, with where each stands',
        querystring: z.object(pageQuery()),
        response: { 200: z.object({ items: z.array(Summary), ...PageInfo }) },
      },
    },
    async (request) => {
      const { db, clock, config } = platform();
      const { items, total } = await listHeldBy(db, holdersOf(request), limitOffset(request.query));
      return {
        items: await summaries(db, items, config.http.publicUrl, clock.now()),
        page: request.query.page,
        pageSize: request.query.pageSize,
        total,
      };
    },
  );

  r.get(
    '/me/credentials/:id',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['credentials'],
        summary: 'One of my e-certificates with its signed JWS, its fields and its QR code (SVG and PNG data URL)',
        params: IdParams,
        response: { 200: Detail },
      },
    },
    async (request) => {
      const { db, clock, config } = platform();
      const opened = await ownCredential(request, request.params.id);
      const [summary] = await summaries(db, [opened], config.http.publicUrl, clock.now());
      if (!summary) throw new AppError('CREDENTIAL_NOT_FOUND', { id: opened.id });
      return {
        ...summary,
        jws: opened.jws,
        holderName: opened.holderName,
        claims: opened.claims,
        claimLabels: opened.claimLabels,
        kid: opened.kid,
        qr: { svg: await qrSvg(summary.verifyUrl), dataUrl: await qrDataUrl(summary.verifyUrl) },
      };
    },
  );

  r.get(
    '/me/credentials/:id/pdf',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['credentials'],
        summary:
          'One of my e-certificates as a PDF (A4, Chinese font embedded, QR code to the verification page, the signed ' +
          'credential attached as credential.jwt)',
        params: IdParams,
        querystring: LangQuery,
        response: {
          200: {
            description: 'The PDF',
            content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } },
          },
        },
      },
    },
    async (request, reply) => {
      const citizen = citizenOf(request);
      await limit(request, credentialLimits.pdfPerCitizen, citizen.id);
      const opened = await ownCredential(request, request.params.id);
      const names = await issuerNames(platform().db, opened);
      const locale = pageLocale(request, request.query.lang);
      const pdf = await renderCertificatePdf(certificateView(opened, names, platform().config.http.publicUrl), locale);
      return (reply as FastifyReply)
        .type('application/pdf')
        .header('content-disposition', `inline; filename="certificate-${opened.id}.pdf"`)
        .header('cache-control', 'private, no-store')
        .header('content-language', locale)
        .send(pdf);
    },
  );

  r.get(
    '/me/credentials/:id/page',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['credentials'],
        summary: 'One of my e-certificates as a printable page (HTML) with its QR code',
        params: IdParams,
        querystring: LangQuery,
        response: {
          200: { description: 'The page', content: { 'text/html': { schema: z.string() } } },
        },
      },
    },
    async (request, reply) => {
      const opened = await ownCredential(request, request.params.id);
      const names = await issuerNames(platform().db, opened);
      const locale = pageLocale(request, request.query.lang);
      const html = await renderCertificateHtml(
        certificateView(opened, names, platform().config.http.publicUrl),
        locale,
      );
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'private, no-store')
        .header('content-language', locale)
        .send(html);
    },
  );
}

/** The public verification API. */
async function verifyApiRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/credentials/verify',
    {
      // Not replayed: the answer changes when the certificate is revoked or expires.
      config: { access: access.public(), replay: false },
      schema: {
        tags: ['credentials'],
        summary:
          'Verifies an e-certificate (compact JWS) against the issuing city’s keys and revocations: valid, or why not ' +
          '(malformed, unknown_key, bad_signature, revoked, expired, not_yet_valid). Answers only what a verifier needs.',
        body: VerifyBody,
        response: { 200: VerifyAnswer },
      },
    },
    async (request) => {
      await limit(request, credentialLimits.verifyPerIp, ipKey(request));
      const { db, clock } = app.platform;
      const result = await verifyPresented(db, request.body.credential, clock.now());
      const c = result.credential;
      return {
        valid: result.valid,
        reason: result.valid ? null : result.reason,
        detail: result.valid ? null : result.detail,
        // Online, revocation is checked as soon as the signature holds (before the dates).
        revocationChecked: result.valid ? result.revocationChecked : result.credential !== undefined,
        credential: c
          ? {
              id: c.id,
              kid: c.kid,
              typeCode: c.type.code,
              typeName: c.type.name,
              issuer: { id: c.issuer.id, cityId: c.issuer.cityId, department: c.issuer.department },
              holder: { kind: c.holder.kind, display: maskHolderName(c.holder.kind, c.holder.name) },
              validFrom: c.validFrom,
              validUntil: c.validUntil,
              issuedAt: c.issuedAt,
            }
          : null,
        revocation: !result.valid && result.revocation ? result.revocation : null,
      };
    },
  );
}

/** The human verification page a certificate's QR code opens (outside /api). */
async function verificationPages(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/verify/:credentialId',
    {
      schema: {
        hide: true,
        params: z.object({ credentialId: z.string().max(100) }),
        querystring: LangQuery,
      },
    },
    async (request, reply) => {
      await limit(request, credentialLimits.pagePerIp, ipKey(request));
      const { db, pii, clock } = app.platform;
      const locale = pageLocale(request, request.query.lang);
      const verification = await verifyStored(db, pii, request.params.credentialId, clock.now());
      const record = verification.record;
      const details = record ? publicDetails(record, await issuerNames(db, record)) : null;
      const html = renderVerificationPage({
        locale,
        outcome: verification.outcome,
        details,
        revocation: record?.revocation ? { at: record.revocation.at, reason: record.revocation.reason } : null,
        path: `/verify/${encodeURIComponent(request.params.credentialId)}`,
      });
      return reply
        .code(verification.outcome === 'unknown' ? 404 : 200)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-language', locale)
        .header('vary', 'Accept-Language')
        .send(html);
    },
  );
}

/** Registers the e-certificate routes: the API under /api/v1 and the verification page at /verify. */
export async function credentialRoutes(app: FastifyInstance) {
  await app.register(
    async (api) => {
      await api.register(cityCredentialRoutes);
      await api.register(walletRoutes);
      await api.register(verifyApiRoutes);
    },
    { prefix: '/api/v1' },
  );
  await app.register(verificationPages);
}
