/**
 * The authorization matrix: every API route the app registers × every kind of caller, with the
 * answer each must get. A route added without an entry here fails this test, so nobody ships
 * an endpoint whose access was never decided.
 *
 * Expectations: a status code, or 'allow' (access granted: anything but 401/403, e.g. 200,
 * or 400 for the deliberately empty body).
 */
import type { FastifyInstance } from 'fastify';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoBundles, demoServices } from '../../../demo/services.ts';
import { buildApp } from './app.ts';
import { submitReport } from './modules/governance/index.ts';
import { credentialContext, issueCredential } from './platform/credentials/index.ts';
import { createSession } from './platform/identity/sessions.ts';
import { ManualClock } from './platform/time/clock.ts';
import { describeEachDialect } from './testing/db.ts';
import { signedInCitizen, signedInStaff, type TestSignIn } from './testing/identity.ts';

const ACTORS = [
  'anonymous',
  'citizenA',
  'citizenB',
  'enterpriseMember',
  'staffX',
  'staffY',
  'staffOutside',
  'platformAdmin',
] as const;
type Actor = (typeof ACTORS)[number];
type Expectation = 'allow' | number;

/** The callers of one matrix row, freshly signed in, and the resources they own. */
interface Cast {
  headers: Record<Actor, { read: Record<string, string>; write: Record<string, string> }>;
  ids: Record<Actor, string | null>;
  enterpriseId: string;
  /** Citizen A's report of a missing manhole cover in LN-01 (the water bureau's there), and its work order. */
  trackingNo: string;
  workOrderId: string;
  /** An e-certificate of citizen A, issued by the water bureau (staff Y's department). */
  credential: { id: string; jws: string };
}

/** A demo service of the market regulation administration, for the catalog rows. */
const GOV_SERVICE = demoServices.find((s) => s.departmentCode === 'market-regulation')?.code ?? 'missing';

interface Row {
  /** Path parameters besides `:city` (lingnan unless given). */
  params?: (cast: Cast) => Record<string, string>;
  query?: string;
  body?: (cast: Cast) => unknown;
  expect: Record<Actor, Expectation>;
}

const everyone = (e: Expectation): Record<Actor, Expectation> =>
  Object.fromEntries(ACTORS.map((a) => [a, e])) as Record<Actor, Expectation>;

/** Signed-in callers get `e`, anonymous ones 401. */
const signedIn = (e: Expectation): Record<Actor, Expectation> => ({ ...everyone(e), anonymous: 401 });
/** Citizens (also acting for an enterprise) only. */
const citizens: Record<Actor, Expectation> = {
  anonymous: 401,
  citizenA: 'allow',
  citizenB: 'allow',
  enterpriseMember: 'allow',
  staffX: 403,
  staffY: 403,
  staffOutside: 403,
  platformAdmin: 403,
};
/** Any staff member, whatever the role. */
const staff: Record<Actor, Expectation> = {
  ...citizens,
  citizenA: 403,
  citizenB: 403,
  enterpriseMember: 403,
  staffX: 'allow',
  staffY: 'allow',
  staffOutside: 'allow',
  platformAdmin: 'allow',
};
/** Citizens' own resources that do not exist: 404 for every citizen (never 403: nothing is told). */
const ownedByNobody: Record<Actor, Expectation> = { ...citizens, citizenA: 404, citizenB: 404, enterpriseMember: 404 };
/** An id nothing has. */
const NO_SUCH = '0192f000-0000-7000-8000-00000000dead';
/** Platform administrators only. */
const admins: Record<Actor, Expectation> = { ...staff, staffX: 403, staffY: 403, staffOutside: 403 };

/** Who may do what. One entry per `METHOD /path` the app registers. */
const matrix: Record<string, Row> = {
  'GET /api/v1/cities': { expect: everyone(200) },
  'GET /api/v1/cities/:city': { expect: everyone(200) },
  'GET /api/v1/cities/:city/zones': { expect: everyone(200) },
  'GET /api/v1/cities/:city/zones.geojson': { query: 'level=district', expect: everyone(200) },
  'GET /api/v1/cities/:city/zones/:code': { params: () => ({ code: 'LN-01' }), expect: everyone(200) },
  'GET /api/v1/cities/:city/geo/resolve': { query: 'lat=23.13&lon=113.3', expect: everyone(200) },
  'GET /api/v1/cities/:city/departments': { expect: everyone(200) },
  'GET /api/v1/cities/:city/departments/:code': { params: () => ({ code: 'water' }), expect: everyone(200) },

  // City governance: categories are public; dispatch rules are for supervisors and admins, changed by platform admins.
  'GET /api/v1/cities/:city/report-categories': { expect: everyone(200) },
  'POST /api/v1/cities/:city/report-categories/suggest': {
    body: () => ({ text: '井盖不见了' }),
    expect: everyone(200),
  },
  'GET /api/v1/cities/:city/dispatch-rules': {
    expect: { ...staff, staffX: 200, staffY: 200, staffOutside: 403, platformAdmin: 200 },
  },
  'POST /api/v1/cities/:city/dispatch-rules': {
    body: () => ({
      categoryCode: 'streetlight-out',
      zoneCode: 'LN-01-02',
      departmentCode: 'water',
      reason: 'Matrix check',
    }),
    expect: { ...admins, platformAdmin: 201 },
  },
  'GET /api/v1/cities/:city/dispatch/resolve': {
    query: 'category=manhole-cover-missing&lat=23.13&lon=113.3',
    expect: { ...staff, staffX: 200, staffY: 200, staffOutside: 200, platformAdmin: 200 },
  },
  // Digital government: the catalog is public; versions and changes are for platform administrators
  // (and department administrators, for their own department's services).
  'GET /api/v1/cities/:city/services': { query: 'department=market-regulation', expect: everyone(200) },
  'GET /api/v1/cities/:city/services/:code': { params: () => ({ code: GOV_SERVICE }), expect: everyone(200) },
  'GET /api/v1/cities/:city/services/:code/versions': {
    params: () => ({ code: GOV_SERVICE }),
    expect: { ...admins, platformAdmin: 200 },
  },
  'PUT /api/v1/cities/:city/services/:code': {
    params: () => ({ code: GOV_SERVICE }),
    body: () => ({ spec: demoServices.find((s) => s.code === GOV_SERVICE), note: 'Matrix check' }),
    expect: { ...admins, platformAdmin: 200 },
  },
  'GET /api/v1/cities/:city/service-themes': { expect: everyone(200) },
  'GET /api/v1/cities/:city/life-events': { expect: everyone(200) },
  'GET /api/v1/cities/:city/bundles': { expect: everyone(200) },
  'GET /api/v1/cities/:city/bundles/:code': { params: () => ({ code: 'open-a-restaurant' }), expect: everyone(200) },
  'PUT /api/v1/cities/:city/bundles/:code': {
    params: () => ({ code: 'open-a-restaurant' }),
    body: () => ({ spec: demoBundles.find((b) => b.code === 'open-a-restaurant'), note: 'Matrix check' }),
    expect: { ...admins, platformAdmin: 200 },
  },
  'GET /api/v1/cities/:city/services/search': { query: 'q=%E6%8A%A4%E7%85%A7', expect: everyone(200) },
  // The city's own search synonyms: platform administrators of the city only.
  'GET /api/v1/cities/:city/search/synonyms': { expect: { ...admins, platformAdmin: 200 } },
  'POST /api/v1/cities/:city/search/synonyms': {
    body: () => ({ terms: ['粤省事', '社会保障卡'] }),
    expect: { ...admins, platformAdmin: 201 },
  },
  'PUT /api/v1/cities/:city/search/synonyms/:id': {
    params: () => ({ id: NO_SUCH }),
    body: () => ({ terms: ['粤省事', '社会保障卡'] }),
    expect: { ...admins, platformAdmin: 404 },
  },
  'DELETE /api/v1/cities/:city/search/synonyms/:id': {
    params: () => ({ id: NO_SUCH }),
    expect: { ...admins, platformAdmin: 404 },
  },
  // Applications: citizens start and follow their own (another's answers 404, never 403: nothing is
  // told about whether it exists); staff queues and actions for clerks and supervisors.
  'POST /api/v1/cities/:city/services/:code/applications': {
    params: () => ({ code: GOV_SERVICE }),
    expect: { ...citizens, citizenA: 201, citizenB: 201, enterpriseMember: 201 },
  },
  'GET /api/v1/me/applications': { expect: { ...citizens, citizenA: 200, citizenB: 200, enterpriseMember: 200 } },
  'GET /api/v1/me/applications/:id': { params: () => ({ id: NO_SUCH }), expect: ownedByNobody },
  'PUT /api/v1/me/applications/:id/answers': {
    params: () => ({ id: NO_SUCH }),
    body: () => ({ answers: {} }),
    expect: ownedByNobody,
  },
  'POST /api/v1/me/applications/:id/materials': {
    params: () => ({ id: NO_SUCH }),
    body: () => ({ materialCode: 'lease-contract', uploadIds: [NO_SUCH] }),
    expect: ownedByNobody,
  },
  'POST /api/v1/me/applications/:id/submit': { params: () => ({ id: NO_SUCH }), expect: ownedByNobody },
  'POST /api/v1/me/applications/:id/payment': { params: () => ({ id: NO_SUCH }), expect: ownedByNobody },
  'POST /api/v1/me/applications/:id/supplement': {
    params: () => ({ id: NO_SUCH }),
    body: () => ({}),
    expect: ownedByNobody,
  },
  'POST /api/v1/me/applications/:id/withdraw': {
    params: () => ({ id: NO_SUCH }),
    body: () => ({}),
    expect: ownedByNobody,
  },
  'POST /api/v1/me/applications/:id/rating': {
    params: () => ({ id: NO_SUCH }),
    body: () => ({ score: 5 }),
    expect: ownedByNobody,
  },
  'GET /api/v1/me/applications/:id/rating': { params: () => ({ id: NO_SUCH }), expect: ownedByNobody },
  'POST /api/v1/cities/:city/bundles/:code/applications': {
    params: () => ({ code: 'open-a-restaurant' }),
    expect: { ...citizens, citizenA: 201, citizenB: 201, enterpriseMember: 201 },
  },
  'GET /api/v1/me/bundle-applications/:id': { params: () => ({ id: NO_SUCH }), expect: ownedByNobody },
  'PUT /api/v1/me/bundle-applications/:id/answers': {
    params: () => ({ id: NO_SUCH }),
    body: () => ({ answers: {} }),
    expect: ownedByNobody,
  },
  'POST /api/v1/me/bundle-applications/:id/submit': { params: () => ({ id: NO_SUCH }), expect: ownedByNobody },
  'GET /api/v1/cities/:city/application-tasks': {
    expect: { ...staff, staffX: 200, staffY: 200, staffOutside: 200, platformAdmin: 403 },
  },
  'GET /api/v1/cities/:city/application-escalations': { expect: { ...admins, platformAdmin: 200 } },
  'GET /api/v1/cities/:city/applications/:id': {
    params: () => ({ id: NO_SUCH }),
    expect: { ...staff, staffX: 404, staffY: 404, staffOutside: 404, platformAdmin: 404 },
  },
  'POST /api/v1/cities/:city/applications/:id/tasks/:taskId/actions': {
    params: () => ({ id: NO_SUCH, taskId: NO_SUCH }),
    body: () => ({ action: 'approve' }),
    expect: { ...staff, staffX: 404, staffY: 404, staffOutside: 404, platformAdmin: 403 },
  },
  'POST /api/v1/cities/:city/applications/:id/notes': {
    params: () => ({ id: NO_SUCH }),
    body: () => ({ text: 'Matrix check', visibility: 'internal' }),
    expect: { ...staff, staffX: 404, staffY: 404, staffOutside: 404, platformAdmin: 403 },
  },
  'GET /api/v1/cities/:city/applications/:id/credentials/:credentialId': {
    params: () => ({ id: NO_SUCH, credentialId: NO_SUCH }),
    expect: { ...staff, staffX: 404, staffY: 404, staffOutside: 404, platformAdmin: 404 },
  },
  'GET /api/v1/cities/:city/applications/:id/files/:fileId': {
    params: () => ({ id: NO_SUCH, fileId: NO_SUCH }),
    expect: { ...staff, staffX: 404, staffY: 404, staffOutside: 404, platformAdmin: 404 },
  },
  // 好差评: tags and statistics are public; rectifications belong to supervisors of the department.
  'GET /api/v1/rating-tags': { expect: everyone(200) },
  'GET /api/v1/cities/:city/rating-stats': { expect: everyone(200) },
  'GET /api/v1/cities/:city/rectifications': {
    expect: { ...staff, staffX: 200, staffY: 200, staffOutside: 403, platformAdmin: 200 },
  },
  'POST /api/v1/cities/:city/rectifications/:id/resolve': {
    params: () => ({ id: NO_SUCH }),
    body: () => ({ outcome: 'Matrix check' }),
    expect: { ...staff, staffX: 404, staffY: 404, staffOutside: 403, platformAdmin: 404 },
  },
  // Photo uploads: anyone may upload (an image body; the matrix's JSON body is a 415 for all, anonymous
  // callers are rate-limited per address); an upload is shown only to its uploader or claim token holder.
  'POST /api/v1/cities/:city/uploads': { expect: everyone('allow') },
  'GET /api/v1/cities/:city/uploads/:id': {
    params: () => ({ id: '0192f000-0000-7000-8000-00000000beef' }),
    expect: everyone(404),
  },
  // Open311 GeoReport v2: reading is public (never personal data); posting needs an API key with
  // open311:write of the city, which none of the matrix's people is (403 in the standard's format).
  'GET /api/open311/v2/discovery.:format': { params: () => ({ format: 'json' }), expect: everyone(200) },
  'GET /api/open311/v2/services.:format': {
    params: () => ({ format: 'json' }),
    query: 'jurisdiction_id=lingnan',
    expect: everyone(200),
  },
  'GET /api/open311/v2/services/:file': {
    params: () => ({ file: 'graffiti.xml' }),
    query: 'jurisdiction_id=lingnan',
    expect: everyone(200),
  },
  'GET /api/open311/v2/requests.:format': {
    params: () => ({ format: 'json' }),
    query: 'jurisdiction_id=lingnan',
    expect: everyone(200),
  },
  'GET /api/open311/v2/requests/:file': {
    params: (c) => ({ file: `${c.trackingNo}.json` }),
    query: 'jurisdiction_id=lingnan',
    expect: everyone(200),
  },
  'GET /api/open311/v2/tokens/:file': {
    params: (c) => ({ file: `${c.trackingNo}.json` }),
    query: 'jurisdiction_id=lingnan',
    expect: everyone(200),
  },
  'POST /api/open311/v2/requests.:format': { params: () => ({ format: 'json' }), expect: everyone(403) },
  // Reports: anyone may report (anonymous callers too, with stricter limits); a report is followed
  // by its reporter, or with the follow token an anonymous reporter got.
  'POST /api/v1/cities/:city/reports': {
    body: () => ({ categoryCode: 'streetlight-out', description: '路灯不亮', lat: 23.13, lon: 113.3 }),
    expect: everyone(201),
  },
  'GET /api/v1/cities/:city/reports/:trackingNo': {
    params: (c) => ({ trackingNo: c.trackingNo }),
    expect: everyone(404),
  },
  'POST /api/v1/cities/:city/area-follows': {
    body: () => ({ zoneCode: 'LN-01' }),
    expect: { ...citizens, citizenA: 201, citizenB: 201, enterpriseMember: 201 },
  },
  'GET /api/v1/me/reports': { expect: citizens },
  'GET /api/v1/me/reports/:trackingNo': {
    params: (c) => ({ trackingNo: c.trackingNo }),
    expect: { ...citizens, citizenA: 200, citizenB: 404, enterpriseMember: 404 },
  },
  // Confirming needs a resolution first: the reporter learns what is allowed (409), anyone else nothing (404).
  'POST /api/v1/me/reports/:trackingNo/actions': {
    params: (c) => ({ trackingNo: c.trackingNo }),
    body: () => ({ action: 'confirm' }),
    expect: { ...citizens, citizenA: 409, citizenB: 404, enterpriseMember: 404 },
  },
  'GET /api/v1/me/reports/:trackingNo/photos/:fileId': {
    params: (c) => ({ trackingNo: c.trackingNo, fileId: '0192f000-0000-7000-8000-00000000beef' }),
    expect: { ...citizens, citizenA: 404, citizenB: 404, enterpriseMember: 404 },
  },
  'GET /api/v1/me/notifications': { expect: citizens },
  'POST /api/v1/me/notifications/read': { expect: citizens },
  'GET /api/v1/me/area-follows': { expect: citizens },
  'DELETE /api/v1/me/area-follows/:id': {
    params: () => ({ id: '0192f000-0000-7000-8000-00000000beef' }),
    expect: { ...citizens, citizenA: 404, citizenB: 404, enterpriseMember: 404 },
  },
  // The public feed: anyone, never personal data; a photo only once staff approved it.
  'GET /api/v1/cities/:city/public/reports': { expect: everyone(200) },
  'GET /api/v1/cities/:city/public/reports/map': { expect: everyone(200) },
  'GET /api/v1/cities/:city/public/photos/:fileId': {
    params: () => ({ fileId: '0192f000-0000-7000-8000-00000000beef' }),
    expect: everyone(404),
  },
  // The staff map and live stream: every staff member of the city, scoped to what they may see.
  'GET /api/v1/cities/:city/work-orders/map': { expect: { ...staff } },
  'GET /api/v1/cities/:city/work-orders/live': { expect: { ...staff } },
  // The operations centre's summary: operations viewers and platform administrators.
  'GET /api/v1/cities/:city/operations/summary': { expect: { ...admins, platformAdmin: 200 } },
  // Work orders: the responsible department within its jurisdiction (water in LN-01: staff Y) and
  // the operations centre (platform admin's department) see and act; others learn nothing (404).
  'GET /api/v1/cities/:city/work-orders': { expect: { ...staff } },
  'GET /api/v1/cities/:city/work-orders/:id': {
    params: (c) => ({ id: c.workOrderId }),
    expect: { ...staff, staffX: 404, staffY: 200, staffOutside: 404, platformAdmin: 200 },
  },
  'POST /api/v1/cities/:city/work-orders/:id/actions': {
    params: (c) => ({ id: c.workOrderId }),
    body: () => ({ action: 'accept' }),
    expect: { ...staff, staffX: 404, staffY: 200, staffOutside: 404, platformAdmin: 409 },
  },
  'POST /api/v1/cities/:city/work-orders/bulk': {
    body: (c) => ({ ids: [c.workOrderId], action: { action: 'escalate', reason: 'Matrix check' } }),
    expect: { ...staff, staffX: 200, staffY: 200, staffOutside: 403, platformAdmin: 403 },
  },
  'POST /api/v1/cities/:city/work-orders/:id/merge': {
    params: (c) => ({ id: c.workOrderId }),
    body: () => ({ targetId: '0192f000-0000-7000-8000-00000000beef' }),
    expect: { ...staff, staffX: 404, staffY: 404, staffOutside: 404, platformAdmin: 404 },
  },
  'POST /api/v1/cities/:city/reports/:trackingNo/unmerge': {
    params: (c) => ({ trackingNo: c.trackingNo }),
    expect: { ...staff, staffX: 404, staffY: 409, staffOutside: 404, platformAdmin: 409 },
  },
  'GET /api/v1/cities/:city/work-orders/:id/photos/:fileId': {
    params: (c) => ({ id: c.workOrderId, fileId: '0192f000-0000-7000-8000-00000000beef' }),
    expect: { ...staff, staffX: 404, staffY: 404, staffOutside: 404, platformAdmin: 404 },
  },
  'POST /api/v1/cities/:city/work-orders/:id/photos/:fileId/publish': {
    params: (c) => ({ id: c.workOrderId, fileId: '0192f000-0000-7000-8000-00000000beef' }),
    body: () => ({ public: true }),
    expect: { ...staff, staffX: 404, staffY: 404, staffOutside: 403, platformAdmin: 403 },
  },
  'GET /api/v1/cities/:city/follow-ups': { expect: { ...staff, staffOutside: 403, platformAdmin: 403 } },
  'POST /api/v1/cities/:city/follow-ups/:id/close': {
    params: () => ({ id: '0192f000-0000-7000-8000-00000000beef' }),
    body: () => ({ outcome: 'Matrix check' }),
    expect: { ...staff, staffX: 404, staffY: 404, staffOutside: 403, platformAdmin: 403 },
  },
  // Citizen sign-in: open to everyone (an empty body is a 400).
  'POST /api/v1/auth/otp': { expect: everyone('allow') },
  'POST /api/v1/auth/otp/verify': { expect: everyone('allow') },
  'POST /api/v1/auth/passkey/options': { expect: everyone('allow') },
  'POST /api/v1/auth/passkey/verify': { expect: everyone('allow') },
  'GET /api/v1/dev/mailbox': { query: 'destination=13800138000', expect: everyone(200) },
  'GET /api/v1/privacy/notices': { expect: everyone(200) },
  // Sessions: anyone signed in.
  'GET /api/v1/session': { expect: signedIn(200) },
  'POST /api/v1/auth/sign-out': { expect: signedIn('allow') },
  'POST /api/v1/auth/sign-out-everywhere': { expect: signedIn('allow') },
  // A citizen's own things.
  'GET /api/v1/me': { expect: citizens },
  'PATCH /api/v1/me': { expect: citizens },
  'GET /api/v1/me/consents': { expect: citizens },
  'POST /api/v1/me/consents': { expect: citizens },
  'DELETE /api/v1/me/consents/:kind': { params: () => ({ kind: 'location' }), expect: citizens },
  'GET /api/v1/me/data-access': { expect: citizens },
  'GET /api/v1/me/export': { expect: citizens },
  'GET /api/v1/me/passkeys': { expect: citizens },
  // Registering a passkey needs the biometric consent, which only citizen A has given.
  'POST /api/v1/me/passkeys/register/options': { expect: { ...citizens, citizenB: 403, enterpriseMember: 403 } },
  'POST /api/v1/me/passkeys/register/verify': { expect: citizens },
  'PATCH /api/v1/me/passkeys/:id': {
    params: () => ({ id: '0192f000-0000-7000-8000-00000000beef' }),
    expect: { ...citizens, citizenA: 'allow', citizenB: 'allow', enterpriseMember: 'allow' },
  },
  'DELETE /api/v1/me/passkeys/:id': {
    params: () => ({ id: '0192f000-0000-7000-8000-00000000beef' }),
    expect: { ...citizens, citizenA: 404, citizenB: 404, enterpriseMember: 404 },
  },
  'GET /api/v1/me/enterprises': { expect: citizens },
  'POST /api/v1/me/acting-for': {
    body: (c) => ({ enterpriseId: c.enterpriseId }),
    expect: { ...citizens, citizenA: 403, citizenB: 403, enterpriseMember: 200 },
  },
  // Enterprises: any citizen may register one; only its legal representative or admins manage members.
  'POST /api/v1/enterprises': { expect: citizens },
  'POST /api/v1/enterprises/:id/members': {
    params: (c) => ({ id: c.enterpriseId }),
    body: (c) => ({ citizenId: c.ids.citizenB, role: 'agent' }),
    expect: { ...citizens, citizenA: 403, citizenB: 403, enterpriseMember: 200 },
  },
  'DELETE /api/v1/enterprises/:id/members/:citizenId': {
    params: (c) => ({ id: c.enterpriseId, citizenId: c.ids.citizenB ?? '' }),
    expect: { ...citizens, citizenA: 403, citizenB: 403, enterpriseMember: 404 },
  },
  // Staff sign-in and their own account.
  'POST /api/v1/staff/sign-in': { expect: everyone('allow') },
  'POST /api/v1/staff/sign-out': { expect: staff },
  'POST /api/v1/staff/password': { expect: staff },
  'POST /api/v1/staff/totp/enroll': { expect: staff },
  'POST /api/v1/staff/totp/verify': { expect: staff },
  'GET /api/v1/staff/me': { expect: staff },
  'GET /api/v1/staff/session': { expect: staff },
  // Reading a citizen's data: window staff with a stated purpose; never citizens, never platform admins.
  'GET /api/v1/citizens/:id': {
    params: (c) => ({ id: c.ids.citizenA ?? '' }),
    query: 'purpose=handling%20application%20A-1',
    expect: { ...staff, staffX: 200, staffY: 200, staffOutside: 200, platformAdmin: 403 },
  },
  // Administration.
  'GET /api/v1/admin/staff': { expect: { ...admins, platformAdmin: 200 } },
  'POST /api/v1/admin/staff': { expect: admins },
  'POST /api/v1/admin/staff/:id/second-factor/reset': {
    params: (c) => ({ id: c.ids.staffY ?? '' }),
    expect: { ...admins, platformAdmin: 204 },
  },
  'GET /api/v1/admin/api-keys': { expect: admins },
  'POST /api/v1/admin/api-keys': { expect: admins },
  'DELETE /api/v1/admin/api-keys/:id': {
    params: () => ({ id: '0192f000-0000-7000-8000-00000000beef' }),
    expect: admins,
  },
  'POST /api/v1/admin/oidc-clients': {
    body: () => ({ name: 'Matrix RP', redirectUris: ['https://rp.example/cb'] }),
    expect: { ...admins, platformAdmin: 201 },
  },
  // Payments: a payment is shown to its payer only (anyone else, and no such payment, 404); providers'
  // notifications are public and checked by their signature (the matrix's unsigned body is a 400 for all).
  'GET /api/v1/me/payments/:id': {
    params: () => ({ id: '0192f000-0000-7000-8000-00000000beef' }),
    expect: { ...citizens, citizenA: 404, citizenB: 404, enterpriseMember: 404 },
  },
  'POST /api/v1/payments/notifications/:provider': {
    params: () => ({ provider: 'development' }),
    expect: everyone(400),
  },
  // E-certificates: key sets, revocation lists and verification are public; a certificate is shown
  // to its holder only (anyone else 404); the issuing department's supervisors revoke (staff Y for
  // the water bureau's; another department 404); platform administrators manage the keys.
  'GET /api/v1/cities/:city/credentials/jwks': { expect: everyone(200) },
  'GET /api/v1/cities/:city/credentials/revocations': { expect: everyone(200) },
  'POST /api/v1/credentials/verify': { body: (c) => ({ credential: c.credential.jws }), expect: everyone(200) },
  'GET /api/v1/cities/:city/credentials': {
    expect: { ...staff, staffX: 200, staffY: 200, staffOutside: 200, platformAdmin: 403 },
  },
  'POST /api/v1/cities/:city/credentials/:id/revoke': {
    params: (c) => ({ id: c.credential.id }),
    body: () => ({ reason: 'issued_in_error', note: 'Matrix check' }),
    expect: { ...staff, staffX: 404, staffY: 200, staffOutside: 403, platformAdmin: 403 },
  },
  'GET /api/v1/cities/:city/credentials/keys': { expect: { ...admins, platformAdmin: 200 } },
  'POST /api/v1/cities/:city/credentials/keys/rotate': { expect: { ...admins, platformAdmin: 201 } },
  'POST /api/v1/cities/:city/credentials/keys/:kid/withdraw': {
    params: () => ({ kid: 'no-such-key' }),
    body: () => ({ reason: 'Matrix check' }),
    expect: { ...admins, platformAdmin: 404 },
  },
  'GET /api/v1/me/credentials': { expect: citizens },
  'GET /api/v1/me/credentials/:id': {
    params: (c) => ({ id: c.credential.id }),
    expect: { ...citizens, citizenA: 200, citizenB: 404, enterpriseMember: 404 },
  },
  'GET /api/v1/me/credentials/:id/pdf': {
    params: (c) => ({ id: c.credential.id }),
    expect: { ...citizens, citizenA: 200, citizenB: 404, enterpriseMember: 404 },
  },
  'GET /api/v1/me/credentials/:id/page': {
    params: (c) => ({ id: c.credential.id }),
    expect: { ...citizens, citizenA: 200, citizenB: 404, enterpriseMember: 404 },
  },
};

let casts = 0;

async function castFor(app: FastifyInstance, clock: ManualClock): Promise<Cast> {
  const db = app.platform.db;
  const config = app.platform.config;
  const citizenA = await signedInCitizen(db, config, clock);
  const citizenB = await signedInCitizen(db, config, clock);
  await db
    .insertInto('consents')
    .values({ id: uuidv7(), citizen_id: citizenA.id, kind: 'biometric', version: 1, granted_at: clock.now() })
    .execute();
  const memberPerson = await signedInCitizen(db, config, clock);
  const enterpriseId = uuidv7();
  await db
    .insertInto('enterprises')
    .values({
      id: enterpriseId,
      uscc: `91440100MA${uuidv7().replaceAll('-', '').slice(-7).toUpperCase()}X`,
      name: 'Lingnan Noodle House Ltd.',
      legal_rep_citizen_id: memberPerson.id,
      registered_city_id: 'lingnan',
    })
    .execute();
  await db
    .insertInto('enterprise_members')
    .values({ enterprise_id: enterpriseId, citizen_id: memberPerson.id, role: 'legal_rep' })
    .execute();
  const acting = await createSession(db, config, clock.now(), {
    kind: 'citizen',
    id: memberPerson.id,
    method: 'test',
    actingFor: enterpriseId,
  });
  const enterpriseMember: TestSignIn = {
    ...memberPerson,
    cookie: memberPerson.cookie.replace(/=.*/, `=${acting.token}`),
    csrf: acting.csrfToken,
    read: { cookie: memberPerson.cookie.replace(/=.*/, `=${acting.token}`) },
    write: { cookie: memberPerson.cookie.replace(/=.*/, `=${acting.token}`), 'x-csrf-token': acting.csrfToken },
  };
  const district = async (code: string) =>
    (
      await db
        .selectFrom('zones')
        .select('id')
        .where('city_id', '=', 'lingnan')
        .where('code', '=', code)
        .executeTakeFirstOrThrow()
    ).id;
  const inside = [await district('LN-01')];
  const staffX = await signedInStaff(db, config, clock, {
    departmentCode: 'urban-management',
    roles: ['clerk', 'supervisor'],
    jurisdiction: inside,
  });
  const staffY = await signedInStaff(db, config, clock, {
    departmentCode: 'water',
    roles: ['clerk', 'supervisor'],
    jurisdiction: inside,
  });
  const staffOutside = await signedInStaff(db, config, clock, {
    departmentCode: 'urban-management',
    roles: ['clerk'],
    jurisdiction: [await district('LN-02')],
  });
  const platformAdmin = await signedInStaff(db, config, clock, {
    departmentCode: 'gov-services-data',
    roles: ['platform_admin'],
  });
  const signed = { citizenA, citizenB, enterpriseMember, staffX, staffY, staffOutside, platformAdmin };
  const headers = { anonymous: { read: {}, write: {} } } as Cast['headers'];
  const ids = { anonymous: null } as Cast['ids'];
  for (const [actor, s] of Object.entries(signed)) {
    headers[actor as Actor] = { read: s.read, write: s.write };
    ids[actor as Actor] = s.id;
  }
  // A point in grid LN-01-02-01 (district LN-01, where the water bureau handles manholes), a metre apart per cast.
  const grid = await db
    .selectFrom('zones')
    .select(['center_lat', 'center_lon'])
    .where('city_id', '=', 'lingnan')
    .where('code', '=', 'LN-01-02-01')
    .executeTakeFirstOrThrow();
  casts += 1;
  const report = await submitReport(
    app.platform,
    { kind: 'citizen', id: citizenA.id, sessionId: 'matrix', actingFor: null },
    {
      cityId: 'lingnan',
      categoryCode: 'manhole-cover-missing',
      description: '井盖不见了',
      lat: grid.center_lat + casts * 0.00001,
      lon: grid.center_lon,
      attributes: { anyone_hurt: false },
      channel: 'app',
    },
    { duplicates: { radiusMeters: 0, windowHours: 0 } },
  );
  const credential = await db.transaction().execute((trx) =>
    issueCredential(trx, credentialContext(app.platform, { kind: 'operator', id: 'matrix' }), {
      cityId: 'lingnan',
      typeCode: 'water-connection-permit',
      typeName: { zh: '供水接入许可', en: 'Water connection permit' },
      issuerDepartmentId: staffY.departmentId,
      holder: { kind: 'citizen', id: citizenA.id, name: '张三明' },
      claims: {},
      validFrom: clock.now(),
      source: { kind: 'matrix', id: String(casts) },
    }),
  );
  return {
    headers,
    ids,
    enterpriseId,
    trackingNo: report.trackingNo,
    workOrderId: report.workOrderId,
    credential: { id: credential.id, jws: credential.jws },
  };
}

describeEachDialect(
  'authorization matrix',
  (ctx) => {
    let app: FastifyInstance;
    const clock = new ManualClock('2026-06-01T02:00:00Z');

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      await app.ready();
    });
    afterAll(async () => {
      await app.close();
    });

    it('has an entry for every API route', () => {
      const missing = app.routeCatalog.map((r) => `${r.method} ${r.url}`).filter((key) => !(key in matrix));
      expect(missing, 'routes without an authorization decision in app.scopes.test.ts').toEqual([]);
      const stale = Object.keys(matrix).filter((key) => !app.routeCatalog.some((r) => `${r.method} ${r.url}` === key));
      expect(stale, 'matrix entries for routes that no longer exist').toEqual([]);
    });

    it('gives every caller the answer the matrix says', async () => {
      const failures: string[] = [];
      for (const route of app.routeCatalog) {
        const row = matrix[`${route.method} ${route.url}`];
        if (!row) continue;
        const cast = await castFor(app, clock);
        const params: Record<string, string> = { city: 'lingnan', ...(row.params?.(cast) ?? {}) };
        let url = route.url.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(params[name] ?? `no-${name}`));
        if (row.query) url += `?${row.query}`;
        for (const actor of ACTORS) {
          const write = route.method !== 'GET';
          const res = await app.inject({
            method: route.method as 'GET',
            url,
            headers: write ? cast.headers[actor].write : cast.headers[actor].read,
            ...(write ? { payload: (row.body?.(cast) ?? {}) as object } : {}),
          });
          const wanted = row.expect[actor];
          const ok = wanted === 'allow' ? res.statusCode !== 401 && res.statusCode !== 403 : res.statusCode === wanted;
          if (res.statusCode >= 500) failures.push(`${route.method} ${url} as ${actor}: ${res.statusCode} ${res.body}`);
          else if (!ok)
            failures.push(`${route.method} ${route.url} as ${actor}: got ${res.statusCode}, want ${wanted}`);
        }
      }
      expect(failures).toEqual([]);
      // A fresh cast per route (signed-in people, a report) for well over a hundred routes.
    }, 300_000);
  },
  'demo',
);
