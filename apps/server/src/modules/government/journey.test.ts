/**
 * The digital-government journey end to end, on PGlite and PostgreSQL: a citizen opens a
 * restaurant through the one-go bundle — search, a pre-filled form with the certificates the
 * city holds attached by reference, one submission, the company registered and its business
 * licence issued, then the food business permit and the fire safety check approved in parallel
 * by two departments (one asks for more material first), the certificates issued and verified,
 * the licence reused by a later application, and the service rated.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { plainJpeg } from '../../platform/files/test-support.ts';
import { createPiiVault } from '../../platform/identity/pii.ts';
import { createSession, sessionCookieName } from '../../platform/identity/sessions.ts';
import { ManualClock } from '../../platform/time/clock.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { signedInCitizen, signedInStaff, type TestSignIn } from '../../testing/identity.ts';

import { holdIdCard } from './test-support.ts';

const CITY = '/api/v1/cities/lingnan';
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** A valid 18-digit resident ID number for a birth date (YYYYMMDD) and sequence (odd: male). */
function nationalId(birth: string, seq: string): string {
  const body = `440106${birth}${seq}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * (ID_WEIGHTS[i] ?? 0);
  return body + ID_CHECK[sum % 11];
}

describeEachDialect(
  'digital government: opening a restaurant in one go',
  (ctx) => {
    let app: FastifyInstance;
    const clock = new ManualClock('2026-09-28T01:30:00Z'); // a Monday, 09:30 in Lingnan, before National Day
    let citizen: TestSignIn;
    let other: TestSignIn;
    let marketClerk: TestSignIn;
    let marketSupervisor: TestSignIn;
    let fireClerk: TestSignIn;
    let fireSupervisor: TestSignIn;
    const idNumber = nationalId('19880412', '123');

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      const db = ctx.handle().db;
      const config = app.platform.config;
      citizen = await signedInCitizen(db, config, clock, { name: '张明', phone: '13800138000' });
      other = await signedInCitizen(db, config, clock, { name: '李华' });
      const vault = createPiiVault(config.secrets);
      await db
        .updateTable('citizens')
        .set({
          national_id_enc: vault.encrypt(idNumber),
          national_id_bidx: vault.blindIndex('national_id', idNumber),
          address_enc: vault.encrypt('岭南市越秀区中山五路 1 号'),
          real_name_verified: true,
        })
        .where('id', '=', citizen.id)
        .execute();
      await signInStaffAgain();
      // The city already holds the citizen's resident ID card (issued by the public security bureau).
      await holdIdCard(app, citizen.id, '张明');
    });
    afterAll(async () => {
      await app?.close();
    });

    /** Clerks and supervisors of market regulation and of the fire brigade, freshly signed in. */
    async function signInStaffAgain() {
      const staff = (departmentCode: string, roles: ('clerk' | 'supervisor')[]) =>
        signedInStaff(ctx.handle().db, app.platform.config, clock, { departmentCode, roles });
      marketClerk = await staff('market-regulation', ['clerk']);
      marketSupervisor = await staff('market-regulation', ['supervisor']);
      fireClerk = await staff('fire-rescue', ['clerk']);
      fireSupervisor = await staff('fire-rescue', ['supervisor']);
    }

    const inject = (method: 'GET' | 'POST' | 'PUT', url: string, who: TestSignIn | null, payload?: unknown) =>
      app.inject({
        method,
        url,
        headers: who ? (method === 'GET' ? who.read : who.write) : {},
        ...(payload === undefined ? {} : { payload: payload as object }),
      });

    async function upload(who: TestSignIn): Promise<string> {
      const res = await app.inject({
        method: 'POST',
        url: `${CITY}/uploads`,
        headers: { ...who.write, 'content-type': 'image/jpeg' },
        payload: await plainJpeg(400, 300),
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id;
    }

    /** The open task of `who`'s department on an application, acted on with `action`. */
    async function act(who: TestSignIn, applicationId: string, body: Record<string, unknown>) {
      const view = await inject('GET', `${CITY}/applications/${applicationId}`, who);
      expect(view.statusCode, view.body).toBe(200);
      const task = view
        .json()
        .workflow.tasks.find((t: { status: string; mine: boolean }) => t.status === 'open' && t.mine);
      expect(task, `an open task for ${JSON.stringify(view.json().workflow.tasks)}`).toBeDefined();
      const res = await inject('POST', `${CITY}/applications/${applicationId}/tasks/${task.id}/actions`, who, body);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    }

    let bundleId = '';
    let establishmentId = '';
    let foodId = '';
    let fireId = '';
    let enterpriseId = '';
    let licenceId = '';
    let asCompany: TestSignIn;

    /** The citizen, signed in again acting for the company the bundle registered. */
    async function actingForCompany(): Promise<TestSignIn> {
      const session = await createSession(ctx.handle().db, app.platform.config, clock.now(), {
        kind: 'citizen',
        id: citizen.id,
        method: 'test',
        actingFor: enterpriseId,
      });
      const cookie = `${sessionCookieName(app.platform.config)}=${session.token}`;
      return {
        id: citizen.id,
        cookie,
        csrf: session.csrfToken,
        read: { cookie },
        write: { cookie, 'x-csrf-token': session.csrfToken },
      };
    }

    it('finds the restaurant bundle by searching 开餐馆, and the services it brings', async () => {
      const res = await inject('GET', `${CITY}/services/search?q=${encodeURIComponent('开餐馆')}`, null);
      expect(res.statusCode, res.body).toBe(200);
      const codes = res.json().items.map((s: { code: string }) => s.code);
      expect(codes).toEqual(expect.arrayContaining(['food-business-permit']));
      const bundle = await inject('GET', `${CITY}/bundles/open-a-restaurant`, null);
      expect(bundle.json().spec.services).toEqual([
        'enterprise-establishment',
        'food-business-permit',
        'fire-safety-check-before-opening',
      ]);
    });

    it('starts the bundle with the form pre-filled and the held ID card attached by reference', async () => {
      const res = await inject('POST', `${CITY}/bundles/open-a-restaurant/applications`, citizen);
      expect(res.statusCode, res.body).toBe(201);
      const body = res.json();
      bundleId = body.id;
      expect(body.status).toBe('draft');
      const [establishment, food, fire] = body.members;
      establishmentId = establishment.id;
      foodId = food.id;
      fireId = fire.id;
      // Pre-filled from the profile: never asked again.
      expect(establishment.answers).toMatchObject({
        legalRepresentativeName: '张明',
        legalRepresentativeIdNumber: idNumber,
        phone: '13800138000',
      });
      expect(establishment.prefilled.legalRepresentativeIdNumber).toBe('profile.nationalId');
      // 免提交: the ID card the city holds is attached by reference, not uploaded.
      const ids = establishment.materials.find((m: { code: string }) => m.code === 'shareholder-ids');
      expect(ids.satisfiedBy).toBe('held');
      expect(ids.credentialIds).toHaveLength(1);
      // Another citizen never sees it.
      expect((await inject('GET', `/api/v1/me/bundle-applications/${bundleId}`, other)).statusCode).toBe(404);
      expect((await inject('GET', `/api/v1/me/applications/${establishmentId}`, other)).statusCode).toBe(404);
    });

    it('fills the shared form once, attaches uploads, and submits once', async () => {
      const answers = {
        companyName: '岭南味道餐饮有限公司',
        companyType: 'llc-natural',
        registeredCapital: 100000,
        businessScope: '餐饮服务',
        shareholders: [{ personName: '张明', idNumber, contribution: 100000 }],
        premisesAddress: '岭南市越秀区北京路 88 号',
        signName: '岭南味道',
        businessItems: ['hot-food'],
        foodSafetyManager: '张明',
        floorArea: 120,
        maxOccupancy: 60,
        promise: true,
      };
      const saved = await inject('PUT', `/api/v1/me/bundle-applications/${bundleId}/answers`, citizen, { answers });
      expect(saved.statusCode, saved.body).toBe(200);
      // Submitting without the uploads lists what is missing, per member.
      const early = await inject('POST', `/api/v1/me/bundle-applications/${bundleId}/submit`, citizen);
      expect(early.statusCode).toBe(400);
      expect(early.json().code).toBe('GOV_APPLICATION_INCOMPLETE');
      expect(early.json().errors.map((e: { field: string }) => e.field)).toEqual(
        expect.arrayContaining([
          'food-business-permit.materials.layout-plan',
          'fire-safety-check-before-opening.materials.fire-plans',
        ]),
      );
      for (const [id, material] of [
        [establishmentId, 'lease-contract'],
        [foodId, 'layout-plan'],
        [foodId, 'food-safety-rules'],
        [fireId, 'fire-plans'],
        [fireId, 'fire-rules'],
      ] as const) {
        const res = await inject('POST', `/api/v1/me/applications/${id}/materials`, citizen, {
          materialCode: material,
          uploadIds: [await upload(citizen)],
        });
        expect(res.statusCode, res.body).toBe(200);
      }
      // The held ID card cannot be replaced by an upload.
      const held = await inject('POST', `/api/v1/me/applications/${establishmentId}/materials`, citizen, {
        materialCode: 'shareholder-ids',
        uploadIds: [await upload(citizen)],
      });
      expect(held.statusCode).toBe(409);
      expect(held.json().code).toBe('GOV_MATERIAL_HELD');

      const res = await inject('POST', `/api/v1/me/bundle-applications/${bundleId}/submit`, citizen);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.status).toBe('in_progress');
      expect(body.trackingNo).toMatch(/^B260928-\d{6}$/);
      expect(body.members.map((m: { status: string }) => m.status)).toEqual(['in_progress', 'waiting', 'waiting']);
      expect(body.members[0].trackingNo).toMatch(/^A260928-\d{6}$/);
    });

    it('registers the company: market regulation accepts and decides; the licence is issued and the rest start', async () => {
      const queue = await inject('GET', `${CITY}/application-tasks`, marketClerk);
      expect(queue.statusCode, queue.body).toBe(200);
      const item = queue
        .json()
        .items.find((t: { application: { id: string } }) => t.application.id === establishmentId);
      expect(item).toMatchObject({ step: { code: 'accept' }, overdue: false });
      // The fire brigade sees nothing of it.
      expect((await inject('GET', `${CITY}/applications/${establishmentId}`, fireClerk)).statusCode).toBe(404);
      // A clerk cannot decide; the supervisor step is not theirs.
      await act(marketClerk, establishmentId, { action: 'approve', message: '材料齐全，予以受理' });
      const decided = await act(marketSupervisor, establishmentId, { action: 'approve', message: '准予设立登记' });
      expect(decided.status).toBe('approved');
      expect(decided.credentialId).toEqual(expect.any(String));
      licenceId = decided.credentialId;

      const bundle = (await inject('GET', `/api/v1/me/bundle-applications/${bundleId}`, citizen)).json();
      enterpriseId = bundle.enterpriseId;
      expect(enterpriseId).toEqual(expect.any(String));
      asCompany = await actingForCompany();
      const [, food, fire] = bundle.members;
      expect([food.status, fire.status]).toEqual(['in_progress', 'in_progress']);
      // Staff read the licence the application refers to instead of asking for a copy.
      const referenced = await inject('GET', `${CITY}/applications/${fireId}/credentials/${licenceId}`, fireClerk);
      expect(referenced.statusCode, referenced.body).toBe(200);
      expect(referenced.json()).toMatchObject({ typeCode: 'business-licence', state: 'valid' });
      expect(referenced.json().fields.companyName).toBe('岭南味道餐饮有限公司');
      expect(
        (await inject('GET', `${CITY}/applications/${fireId}/credentials/${licenceId}`, marketClerk)).statusCode,
      ).toBe(404);
      // The new licence is attached to both by reference, and the company's details filled in.
      for (const member of [food, fire]) {
        const licence = member.materials.find((m: { code: string }) => m.code === 'business-licence');
        expect(licence).toMatchObject({ satisfiedBy: 'held', credentialIds: [licenceId] });
        expect(member.answers.enterpriseName).toBe('岭南味道餐饮有限公司');
        expect(member.answers.uscc).toMatch(/^91[0-9A-Z]{16}$/);
      }
    });

    it('runs the food permit and the fire check in parallel; the fire brigade asks for more, the applicant supplies it', async () => {
      await act(marketClerk, foodId, { action: 'approve' });
      const asked = await act(fireClerk, fireId, {
        action: 'request_material',
        message: '请补充消防设施平面布置图（标注灭火器位置）',
        materials: [{ code: 'fire-plans', name: '消防设施平面布置图' }],
      });
      expect(asked.status).toBe('awaiting_applicant');
      expect(asked.workflow.paused).toBe(true);
      const mine = (await inject('GET', `/api/v1/me/applications/${fireId}`, citizen)).json();
      expect(mine.status).toBe('awaiting_applicant');
      const request = mine.timeline.find((e: { kind: string }) => e.kind === 'request_material');
      expect(request.body.message).toContain('消防设施平面布置图');
      // Internal notes never reach the applicant.
      await inject('POST', `${CITY}/applications/${fireId}/notes`, fireClerk, {
        text: '现场核查前先电话确认',
        visibility: 'internal',
      });
      const again = (await inject('GET', `/api/v1/me/applications/${fireId}`, citizen)).json();
      expect(again.timeline.some((e: { kind: string }) => e.kind === 'note')).toBe(false);

      // Two days pass (the clock of the fire check stands still meanwhile); staff sign in again.
      clock.advance(2 * 86_400_000);
      await signInStaffAgain();
      const added = await inject('POST', `/api/v1/me/applications/${fireId}/materials`, citizen, {
        materialCode: 'fire-plans',
        uploadIds: [await upload(citizen)],
      });
      expect(added.statusCode, added.body).toBe(200);
      const supplied = await inject('POST', `/api/v1/me/applications/${fireId}/supplement`, citizen, {
        message: '已补充平面布置图',
      });
      expect(supplied.statusCode, supplied.body).toBe(200);
      expect(supplied.json().status).toBe('in_progress');

      await act(fireClerk, fireId, { action: 'approve' }); // accept
      await act(fireClerk, fireId, { action: 'approve' }); // inspect
      const fireDone = await act(fireSupervisor, fireId, { action: 'approve' });
      expect(fireDone.status).toBe('approved');
      await act(marketClerk, foodId, { action: 'approve' }); // inspect
      const foodDone = await act(marketSupervisor, foodId, { action: 'approve' });
      expect(foodDone.status).toBe('approved');

      const bundle = (await inject('GET', `/api/v1/me/bundle-applications/${bundleId}`, citizen)).json();
      expect(bundle.status).toBe('approved');
      expect(bundle.members.every((m: { credentialId: string | null }) => m.credentialId)).toBe(true);
    });

    it('puts the certificates in the company’s wallet, and they verify', async () => {
      const bundle = (await inject('GET', `/api/v1/me/bundle-applications/${bundleId}`, citizen)).json();
      for (const member of bundle.members) {
        const res = await inject('GET', `/api/v1/me/credentials/${member.credentialId}`, asCompany);
        expect(res.statusCode, res.body).toBe(200);
        const jws = res.json().jws;
        const verified = await inject('POST', '/api/v1/credentials/verify', null, { credential: jws });
        expect(verified.statusCode, verified.body).toBe(200);
        expect(verified.json().valid).toBe(true);
      }
      expect((await inject('GET', `/api/v1/me/credentials/${licenceId}`, other)).statusCode).toBe(404);
    });

    it('reuses the business licence in a later application, attached by reference', async () => {
      const res = await inject('POST', `${CITY}/services/new-taxpayer-package/applications`, asCompany);
      expect(res.statusCode, res.body).toBe(201);
      const draft = res.json();
      const licence = draft.materials.find((m: { code: string }) => m.code === 'business-licence');
      expect(licence).toMatchObject({ satisfiedBy: 'held', credentialIds: [licenceId] });
      expect(draft.answers).toMatchObject({ enterpriseName: '岭南味道餐饮有限公司', legalRepresentative: '张明' });
      expect(draft.prefilled.uscc).toBe('enterprise.uscc');
    });

    it('takes a rating; a low one opens a rectification whose outcome the applicant sees', async () => {
      const early = await inject('POST', `/api/v1/me/applications/${foodId}/rating`, citizen, { score: 5 });
      expect(early.statusCode).toBe(201);
      expect((await inject('POST', `/api/v1/me/applications/${foodId}/rating`, citizen, { score: 4 })).statusCode).toBe(
        409,
      );
      const low = await inject('POST', `/api/v1/me/applications/${fireId}/rating`, citizen, {
        score: 2,
        tags: ['material-not-in-guide', 'over-time-limit'],
        comment: '补正要求的材料指南里没写',
      });
      expect(low.statusCode, low.body).toBe(201);
      expect(low.json().rectification).toMatchObject({ status: 'open' });
      const tasks = await inject('GET', `${CITY}/rectifications`, fireSupervisor);
      const task = tasks.json().items.find((t: { applicationId: string }) => t.applicationId === fireId);
      expect(task).toMatchObject({ score: 2, tags: ['material-not-in-guide', 'over-time-limit'] });
      // Another department cannot see or close it.
      expect((await inject('GET', `${CITY}/rectifications`, marketSupervisor)).json().items).toEqual([]);
      expect(
        (await inject('POST', `${CITY}/rectifications/${task.id}/resolve`, marketSupervisor, { outcome: '越权关闭' }))
          .statusCode,
      ).toBe(404);
      const resolved = await inject('POST', `${CITY}/rectifications/${task.id}/resolve`, fireSupervisor, {
        outcome: '已将平面布置图要求写入办事指南，并向申请人致歉',
      });
      expect(resolved.statusCode, resolved.body).toBe(200);
      const mine = (await inject('GET', `/api/v1/me/applications/${fireId}/rating`, citizen)).json();
      expect(mine.rectification).toMatchObject({ status: 'done', outcome: expect.stringContaining('办事指南') });
      const stats = (await inject('GET', `${CITY}/rating-stats?by=department`, null)).json().items;
      const fire = stats.find((s: { code: string }) => s.code === 'fire-rescue');
      expect(fire).toMatchObject({ ratings: 1, average: 2, rectifications: 1, rectifiedOnTime: 1 });
    });

    it('shows the applicant who read their application', async () => {
      const res = await inject('GET', '/api/v1/me/data-access', citizen);
      expect(res.statusCode, res.body).toBe(200);
      const actions = res.json().items.map((i: { action: string }) => i.action);
      expect(actions).toContain('government.application.read');
    });
  },
  'demo',
);
