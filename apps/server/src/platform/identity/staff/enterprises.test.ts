import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../app.ts';
import { describeEachDialect } from '../../../testing/db.ts';
import { ManualClock } from '../../time/clock.ts';
import {
  insertTestCitizen,
  insertTestStaff,
  sessionCookieOf,
  sessionHeaders,
  staffFullSignIn,
  type TestSession,
} from './test-support.ts';

const USCC = '91440100MA5CXK1230';
const OTHER_USCC = '91440101MA9UQ7A0A7';

describeEachDialect(
  'enterprises and staff reading citizens',
  (ctx) => {
    let app: FastifyInstance;
    const clock = new ManualClock('2026-03-02T01:00:00Z');
    const send = (method: 'POST' | 'GET' | 'DELETE', url: string, session: TestSession, payload?: unknown) =>
      app.inject({
        method,
        url,
        headers: { 'accept-language': 'en', ...sessionHeaders(app, session) },
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
    });
    afterAll(async () => {
      await app?.close();
    });

    describe('enterprises', () => {
      let rep: { id: string; session: TestSession };
      let colleague: { id: string; session: TestSession };
      let outsider: { id: string; session: TestSession };
      let enterpriseId: string;

      beforeAll(async () => {
        rep = await insertTestCitizen(app, { name: '王芳', phone: '13800138001' });
        colleague = await insertTestCitizen(app, { name: '陈强', phone: '13800138002' });
        outsider = await insertTestCitizen(app, { name: '赵丽', phone: '13800138003' });
      });

      it('registers an enterprise with a valid code, its registrant as legal representative', async () => {
        const bad = await send('POST', '/api/v1/enterprises', rep.session, {
          uscc: '91440100MA5CXK1231',
          name: '坏码',
        });
        expect(bad.statusCode).toBe(400);
        expect(bad.json().code).toBe('USCC_INVALID');
        const created = await send('POST', '/api/v1/enterprises', rep.session, {
          uscc: USCC.toLowerCase(),
          name: '岭南示范餐饮有限公司',
        });
        expect(created.statusCode).toBe(201);
        expect(created.json()).toMatchObject({ uscc: USCC, role: 'legal_rep' });
        enterpriseId = created.json().id;
        const duplicate = await send('POST', '/api/v1/enterprises', outsider.session, { uscc: USCC, name: 'Copy' });
        expect(duplicate.statusCode).toBe(409);
        expect(duplicate.json().code).toBe('ENTERPRISE_EXISTS');
        const mine = await send('GET', '/api/v1/me/enterprises', rep.session);
        expect(mine.json()).toEqual({
          items: [{ id: enterpriseId, uscc: USCC, name: '岭南示范餐饮有限公司', role: 'legal_rep' }],
          actingFor: null,
        });
      });

      it('lets the legal representative add and remove members; others cannot', async () => {
        const byOutsider = await send('POST', `/api/v1/enterprises/${enterpriseId}/members`, outsider.session, {
          citizenId: outsider.id,
          role: 'admin',
        });
        expect(byOutsider.statusCode).toBe(403);
        expect(byOutsider.json().code).toBe('NOT_ENTERPRISE_MEMBER');
        const byPhone = await send('POST', `/api/v1/enterprises/${enterpriseId}/members`, rep.session, {
          phone: '138-0013-8002',
          role: 'agent',
        });
        expect(byPhone.statusCode).toBe(200);
        expect(byPhone.json()).toEqual({ citizenId: colleague.id, role: 'agent' });
        // An agent cannot manage members.
        const byAgent = await send('POST', `/api/v1/enterprises/${enterpriseId}/members`, colleague.session, {
          citizenId: outsider.id,
          role: 'agent',
        });
        expect(byAgent.json().code).toBe('ENTERPRISE_ROLE_REQUIRED');
        const unknown = await send('POST', `/api/v1/enterprises/${enterpriseId}/members`, rep.session, {
          phone: '13900000000',
          role: 'agent',
        });
        expect(unknown.json().code).toBe('CITIZEN_NOT_FOUND');
        const both = await send('POST', `/api/v1/enterprises/${enterpriseId}/members`, rep.session, {
          phone: '13800138002',
          citizenId: colleague.id,
          role: 'agent',
        });
        expect(both.statusCode).toBe(400);
        const demoteRep = await send('POST', `/api/v1/enterprises/${enterpriseId}/members`, rep.session, {
          citizenId: rep.id,
          role: 'agent',
        });
        expect(demoteRep.json().code).toBe('LEGAL_REP_CANNOT_CHANGE');

        const added = await send('POST', `/api/v1/enterprises/${enterpriseId}/members`, rep.session, {
          citizenId: outsider.id,
          role: 'admin',
        });
        expect(added.statusCode).toBe(200);
        const removeRep = await send(
          'DELETE',
          `/api/v1/enterprises/${enterpriseId}/members/${rep.id}`,
          outsider.session,
        );
        expect(removeRep.json().code).toBe('LEGAL_REP_CANNOT_CHANGE');
        const removed = await send('DELETE', `/api/v1/enterprises/${enterpriseId}/members/${outsider.id}`, rep.session);
        expect(removed.statusCode).toBe(204);
        const gone = await send('DELETE', `/api/v1/enterprises/${enterpriseId}/members/${outsider.id}`, rep.session);
        expect(gone.statusCode).toBe(404);
      });

      it('switches a session to act for the enterprise and back, with a new session each time', async () => {
        const other = await send('POST', '/api/v1/enterprises', outsider.session, {
          uscc: OTHER_USCC,
          name: 'Other Ltd',
        });
        expect(other.statusCode).toBe(201);
        const refused = await send('POST', '/api/v1/me/acting-for', colleague.session, {
          enterpriseId: other.json().id,
        });
        expect(refused.statusCode).toBe(403);
        expect(refused.json().code).toBe('NOT_ENTERPRISE_MEMBER');

        const switched = await send('POST', '/api/v1/me/acting-for', colleague.session, { enterpriseId });
        expect(switched.statusCode).toBe(200);
        expect(switched.json().actingFor).toMatchObject({ id: enterpriseId, role: 'agent' });
        const acting: TestSession = { cookie: sessionCookieOf(app, switched) ?? '', csrf: switched.json().csrfToken };
        expect(acting.cookie).not.toBe(colleague.session.cookie);
        expect((await send('GET', '/api/v1/me/enterprises', colleague.session)).statusCode).toBe(401);
        expect((await send('GET', '/api/v1/me/enterprises', acting)).json().actingFor).toBe(enterpriseId);
        const audited = await app.platform.db
          .selectFrom('audit_log')
          .select(['acting_for', 'outcome'])
          .where('action', '=', 'enterprise.acting_for')
          .orderBy('seq')
          .execute();
        expect(audited.map((a) => a.outcome)).toEqual(['denied', 'success']);

        const back = await send('POST', '/api/v1/me/acting-for', acting, { enterpriseId: null });
        expect(back.statusCode).toBe(200);
        expect(back.json().actingFor).toBeNull();
        const self: TestSession = { cookie: sessionCookieOf(app, back) ?? '', csrf: back.json().csrfToken };
        expect((await send('GET', '/api/v1/me/enterprises', self)).json().actingFor).toBeNull();
        expect((await send('GET', '/api/v1/me/enterprises', acting)).statusCode).toBe(401);

        // Staff cannot use citizen routes.
        const staff = await insertTestStaff(app, { totp: true });
        const staffSession = await staffFullSignIn(app, staff, clock);
        expect((await send('GET', '/api/v1/me/enterprises', staffSession)).statusCode).toBe(403);
      });
    });

    describe('staff reading a citizen', () => {
      it('requires a purpose, masks the identifiers and records the read for the citizen', async () => {
        const citizen = await insertTestCitizen(app, {
          name: '林小梅',
          phone: '13912345678',
          nationalId: '44010619900307002X',
        });
        const staff = await insertTestStaff(app, { roles: ['clerk'], totp: true });
        const session = await staffFullSignIn(app, staff, clock);
        const url = `/api/v1/citizens/${citizen.id}`;

        const without = await send('GET', url, session);
        expect(without.statusCode).toBe(400);
        expect(without.json().code).toBe('VALIDATION_FAILED');
        expect((await send('GET', `${url}?purpose=why`, session)).statusCode).toBe(400);

        const purpose = 'Reviewing business licence application BL-2026-0042';
        const read = await send('GET', `${url}?purpose=${encodeURIComponent(purpose)}`, session);
        expect(read.statusCode).toBe(200);
        expect(read.json()).toEqual({
          id: citizen.id,
          name: '林小梅',
          nationalId: '4401**********002X',
          phone: '139****5678',
          email: null,
          realNameVerified: false,
          status: 'active',
        });
        const rows = await app.platform.db
          .selectFrom('audit_log')
          .selectAll()
          .where('person_id', '=', citizen.id)
          .execute();
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({
          action: 'citizen.read',
          actor_kind: 'staff',
          actor_id: staff.id,
          purpose,
          subject_id: citizen.id,
          outcome: 'success',
        });
        expect(JSON.stringify(rows[0])).not.toContain('13912345678');

        // Roles outside the reader roles, citizens and unknown records.
        const crew = await insertTestStaff(app, { roles: ['field_crew'], totp: true });
        const crewRead = await send(
          'GET',
          `${url}?purpose=${encodeURIComponent(purpose)}`,
          await staffFullSignIn(app, crew, clock),
        );
        expect(crewRead.statusCode).toBe(403);
        expect((await send('GET', `${url}?purpose=${encodeURIComponent(purpose)}`, citizen.session)).statusCode).toBe(
          403,
        );
        const missing = await send(
          'GET',
          `/api/v1/citizens/0190f0f0-0000-7000-8000-000000000000?purpose=${encodeURIComponent(purpose)}`,
          session,
        );
        expect(missing.statusCode).toBe(404);
        expect(missing.json().code).toBe('CITIZEN_NOT_FOUND');
      });
    });
  },
  'demo',
);
