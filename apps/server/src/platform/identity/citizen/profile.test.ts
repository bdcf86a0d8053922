import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../../app.ts';
import { describeEachDialect } from '../../../testing/db.ts';
import { signedInStaff } from '../../../testing/identity.ts';
import { appendAudit } from '../../audit/index.ts';
import { ManualClock } from '../../time/clock.ts';
import type { StaffPrincipal } from '../principal.ts';
import { type CitizenClient, freshPhone, latestCode, nationalId, requestCode, signInByCode } from './test-support.ts';

describeEachDialect(
  'citizen profile, consent and my data',
  (ctx) => {
    let app: FastifyInstance;
    const clock = new ManualClock('2026-03-02T00:00:00Z');
    const clearValues: string[] = [];
    let ada: CitizenClient;
    let adaPhone: string;
    const adaId = nationalId('44010619900307123');
    const bobId = nationalId('11010519491231002');

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      adaPhone = freshPhone();
      clearValues.push(adaPhone, adaId, bobId);
      ada = await signInByCode(app, adaPhone);
    });
    afterAll(async () => {
      await app?.close();
    });

    const patchMe = (client: CitizenClient, payload: Record<string, unknown>, language = 'en') =>
      app.inject({
        method: 'PATCH',
        url: '/api/v1/me',
        headers: { ...client.write, 'accept-language': language },
        payload,
      });

    it('shows my profile masked, and in clear only when I ask', async () => {
      const saved = await patchMe(ada, {
        name: '林小安',
        nationalId: adaId,
        address: '岭南市东湖街道东湖路 12 号 3 栋 501',
      });
      expect(saved.statusCode).toBe(200);
      const masked = (await app.inject({ url: '/api/v1/me', headers: ada.read })).json();
      expect(masked).toMatchObject({
        id: ada.id,
        name: '林小安',
        nationalId: `4401**********${adaId.slice(-4)}`,
        phone: `${adaPhone.slice(0, 3)}****${adaPhone.slice(-4)}`,
        email: null,
        address: '岭南市东湖街****',
        revealed: false,
        realNameVerified: false,
        passkeys: 0,
        actingFor: null,
      });
      const clear = (await app.inject({ url: '/api/v1/me?reveal=true', headers: ada.read })).json();
      expect(clear).toMatchObject({ nationalId: adaId, phone: adaPhone, revealed: true });
      expect(clear.address).toBe('岭南市东湖街道东湖路 12 号 3 栋 501');
    });

    it('refuses an invalid national ID number with a field error', async () => {
      const wrongCheck = adaId.slice(0, 17) + (adaId.endsWith('1') ? '2' : '1');
      const res = await patchMe(ada, { nationalId: wrongCheck });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'body.nationalId', message: expect.stringContaining('check digit') }],
      });
      const zh = await patchMe(ada, { nationalId: '12345' }, 'zh-CN');
      expect(zh.json().errors[0].message).toContain('身份证号码无效');
    });

    it('refuses a national ID number another account holds, without saying whose', async () => {
      const bob = await signInByCode(app, freshPhone());
      expect((await patchMe(bob, { nationalId: bobId })).statusCode).toBe(200);
      const res = await patchMe(ada, { nationalId: bobId });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('IDENTIFIER_IN_USE');
      expect(res.body).not.toContain(bob.id);
      expect(res.body).not.toContain(bobId);
    });

    it('changes my phone number only with the code sent to the new number', async () => {
      const newPhone = freshPhone();
      clearValues.push(newPhone);
      // A sign-in code sent to the number does not prove it for a change of contact.
      await requestCode(app, newPhone);
      const signInCode = await latestCode(app, newPhone);
      expect((await patchMe(ada, { phone: newPhone, phoneCode: signInCode })).json().code).toBe('OTP_INVALID');
      const noCode = await patchMe(ada, { phone: newPhone });
      expect(noCode.statusCode).toBe(400);
      expect(noCode.json().errors).toEqual([{ field: 'body.phoneCode', message: expect.any(String) }]);
      expect((await requestCode(app, newPhone, { purpose: 'verify_contact' })).statusCode).toBe(202);
      const code = await latestCode(app, newPhone);
      const wrong = await patchMe(ada, { phone: newPhone, phoneCode: code === '000000' ? '000001' : '000000' });
      expect(wrong.json().code).toBe('OTP_INVALID');
      const changed = await patchMe(ada, { phone: newPhone, phoneCode: code });
      expect(changed.statusCode).toBe(200);
      expect(changed.json().phone).toBe(`${newPhone.slice(0, 3)}****${newPhone.slice(-4)}`);
      // The new number now signs in to the same account.
      expect((await signInByCode(app, newPhone)).id).toBe(ada.id);
      adaPhone = newPhone;
      ada = await signInByCode(app, newPhone);
    });

    it('refuses profile changes without the CSRF token', async () => {
      const res = await app.inject({
        method: 'PATCH',
        url: '/api/v1/me',
        headers: ada.read,
        payload: { name: 'Mallory' },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('CSRF_TOKEN_INVALID');
      expect((await app.inject({ url: '/api/v1/me', headers: ada.read })).json().name).toBe('林小安');
    });

    it('publishes the privacy notices and records, lists and withdraws my consents', async () => {
      const notices = (await app.inject({ url: '/api/v1/privacy/notices' })).json();
      expect(notices.items.map((n: { kind: string }) => n.kind).sort()).toEqual(['biometric', 'location', 'privacy']);
      for (const n of notices.items) {
        expect(n.version).toBe(1);
        expect(n.titleZh.length).toBeGreaterThan(0);
        expect(n.bodyEn.length).toBeGreaterThan(0);
      }
      const granted = await app.inject({
        method: 'POST',
        url: '/api/v1/me/consents',
        headers: ada.write,
        payload: { kind: 'location', version: 1 },
      });
      expect(granted.statusCode).toBe(201);
      expect(granted.json()).toMatchObject({
        kind: 'location',
        version: 1,
        grantedAt: clock.now().toISOString(),
        withdrawnAt: null,
        active: true,
      });
      const unknown = await app.inject({
        method: 'POST',
        url: '/api/v1/me/consents',
        headers: ada.write,
        payload: { kind: 'location', version: 9 },
      });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().code).toBe('PRIVACY_NOTICE_NOT_FOUND');
      clock.advance(60_000);
      const withdrawn = await app.inject({ method: 'DELETE', url: '/api/v1/me/consents/location', headers: ada.write });
      expect(withdrawn.statusCode).toBe(204);
      const list = (await app.inject({ url: '/api/v1/me/consents', headers: ada.read })).json();
      expect(list.items).toEqual([
        expect.objectContaining({ kind: 'location', active: false, withdrawnAt: clock.now().toISOString() }),
      ]);
    });

    it("lists a staff member's read of my data, with the department and purpose, but not my own reads", async () => {
      const db = ctx.handle().db;
      const staff = await signedInStaff(db, app.platform.config, clock, { roles: ['clerk'] });
      const principal: StaffPrincipal = {
        kind: 'staff',
        id: staff.id,
        sessionId: 'test',
        cityId: 'lingnan',
        departmentId: staff.departmentId,
        roles: ['clerk'],
        jurisdiction: [],
        secondFactor: true,
        mustChangePassword: false,
      };
      await db.transaction().execute((trx) =>
        appendAudit(
          trx,
          app.platform.config.secrets.auditKey,
          {
            action: 'citizen.read',
            subjectKind: 'citizen',
            subjectId: ada.id,
            personId: ada.id,
            purpose: 'Checking an application for a business licence',
            cityId: 'lingnan',
          },
          { principal, at: clock.now() },
        ),
      );
      await app.inject({ url: '/api/v1/me?reveal=true', headers: ada.read });
      const res = await app.inject({ url: '/api/v1/me/data-access', headers: ada.read });
      expect(res.statusCode).toBe(200);
      const { items } = res.json();
      expect(items).toHaveLength(1);
      const department = await db
        .selectFrom('departments')
        .select(['name_zh', 'name_en'])
        .where('id', '=', staff.departmentId)
        .executeTakeFirstOrThrow();
      expect(items[0]).toEqual({
        at: clock.now().toISOString(),
        actorKind: 'staff',
        department: {
          id: staff.departmentId,
          cityId: 'lingnan',
          nameZh: department.name_zh,
          nameEn: department.name_en,
        },
        action: 'citizen.read',
        purpose: 'Checking an application for a business licence',
      });
      // Another citizen sees none of it.
      const other = await signInByCode(app, freshPhone());
      expect((await app.inject({ url: '/api/v1/me/data-access', headers: other.read })).json().items).toEqual([]);
    });

    it("exports everything held about me as a download, and nobody else's data", async () => {
      const bobRow = await ctx
        .handle()
        .db.selectFrom('citizens')
        .select('id')
        .where('national_id_bidx', '=', app.platform.pii.blindIndex('national_id', bobId))
        .executeTakeFirstOrThrow();
      const res = await app.inject({ url: '/api/v1/me/export', headers: ada.read });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toMatch(
        /^attachment; filename="onecity-my-data-\d{4}-\d{2}-\d{2}\.json"$/,
      );
      expect(res.headers['cache-control']).toBe('no-store');
      const data = res.json();
      expect(data.profile).toMatchObject({
        id: ada.id,
        nationalId: adaId,
        phone: adaPhone,
        name: '林小安',
        status: 'active',
      });
      expect(data.consents).toHaveLength(1);
      expect(data.sessions.length).toBeGreaterThanOrEqual(2);
      expect(data.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
      expect(JSON.stringify(data.sessions)).not.toMatch(/token|csrf/i);
      expect(data.dataAccess).toHaveLength(1);
      expect(res.body).not.toContain(bobRow.id);
      expect(res.body).not.toContain(bobId);
    });

    it('refuses my data to anyone not signed in', async () => {
      for (const url of ['/api/v1/me', '/api/v1/me/export', '/api/v1/me/data-access', '/api/v1/me/consents']) {
        expect((await app.inject({ url })).statusCode).toBe(401);
      }
    });

    it('leaves no national ID or phone number in clear in the tables', async () => {
      const db = ctx.handle().db;
      const dump = JSON.stringify([
        await db.selectFrom('citizens').selectAll().execute(),
        await db.selectFrom('otp_challenges').selectAll().execute(),
        await db.selectFrom('dev_mailbox').selectAll().execute(),
        await db.selectFrom('audit_log').selectAll().execute(),
        await db.selectFrom('sessions').selectAll().execute(),
      ]);
      for (const value of clearValues) expect(dump).not.toContain(value);
    });
  },
  'demo',
);
