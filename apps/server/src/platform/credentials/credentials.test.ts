import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import jsqrModule from 'jsqr';
import sharp from 'sharp';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { signedInCitizen, signedInStaff, type TestSignIn } from '../../testing/identity.ts';
import { createSession } from '../identity/sessions.ts';
import { ManualClock } from '../time/clock.ts';
import {
  credentialContext,
  findHeldCredentials,
  type IssueInput,
  issueCredential,
  type KeySet,
  openCredential,
  qrPng,
  verifyCredential,
} from './index.ts';
import { credentialsDb } from './schema.ts';
import { rewritePayload, tamper, testCredential, testKey } from './test-support.ts';

/** jsqr's types describe an ES module but its file is CommonJS whose export is the function itself. */
const jsQR = ((jsqrModule as { default?: unknown }).default ?? jsqrModule) as typeof jsqrModule.default;

/** Whether a command-line tool of poppler is installed (the PDF is looked at through it when it is). */
function hasTool(name: string): boolean {
  try {
    execFileSync(name, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describeEachDialect(
  'e-certificates',
  (ctx) => {
    let app: FastifyInstance;
    let closed = false;
    const clock = new ManualClock('2026-06-01T02:00:00Z');
    let holder: TestSignIn;
    let stranger: TestSignIn;
    let member: TestSignIn;
    let memberActing: TestSignIn;
    let enterpriseId: string;
    let supervisor: TestSignIn & { departmentId: string };
    let clerk: TestSignIn;
    let otherSupervisor: TestSignIn;
    let admin: TestSignIn;
    let marketId: string;

    const operator = { kind: 'operator', id: 'credentials-test' } as const;

    async function issue(overrides: Partial<IssueInput> = {}) {
      const input: IssueInput = {
        cityId: 'lingnan',
        typeCode: 'food-business-licence',
        typeName: { zh: '食品经营许可证', en: 'Food business licence' },
        issuerDepartmentId: marketId,
        holder: { kind: 'citizen', id: holder.id, name: '张三明', identifier: '440106199001011234' },
        claims: { shopName: '岭南面馆', address: '天河路 1 号', seats: 40 },
        claimLabels: {
          shopName: { zh: '店名', en: 'Shop name' },
          address: { zh: '经营场所', en: 'Premises' },
          seats: { zh: '座位数', en: 'Seats' },
        },
        validFrom: new Date('2026-05-01T00:00:00Z'),
        validUntil: new Date('2031-05-01T00:00:00Z'),
        source: { kind: 'application', id: uuidv7() },
        ...overrides,
      };
      return app.platform.db
        .transaction()
        .execute((trx) => issueCredential(trx, credentialContext(app.platform, operator), input));
    }

    const verifyApi = async (credential: string) => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/credentials/verify', payload: { credential } });
      expect(res.statusCode).toBe(200);
      return res.json() as {
        valid: boolean;
        reason: string | null;
        credential: { id: string; holder: { display: string } } | null;
        revocation: { reason: string } | null;
        revocationChecked: boolean;
      };
    };

    const page = async (id: string, headers: Record<string, string> = {}, query = '') => {
      const res = await app.inject({ method: 'GET', url: `/verify/${id}${query}`, headers });
      const outcome = res.body.match(/data-outcome="([a-z_]+)"/)?.[1];
      return { status: res.statusCode, body: res.body, outcome, headers: res.headers };
    };

    const jwks = async () =>
      (await app.inject({ method: 'GET', url: '/api/v1/cities/lingnan/credentials/jwks' })).json() as KeySet;

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      await app.ready();
      const db = app.platform.db;
      const config = app.platform.config;
      holder = await signedInCitizen(db, config, clock, { name: '张三明' });
      stranger = await signedInCitizen(db, config, clock, { name: '李四' });
      member = await signedInCitizen(db, config, clock, { name: '王五' });
      enterpriseId = uuidv7();
      await db
        .insertInto('enterprises')
        .values({
          id: enterpriseId,
          uscc: `91440100MA${uuidv7().replaceAll('-', '').slice(-7).toUpperCase()}X`,
          name: '岭南面馆有限公司',
          legal_rep_citizen_id: member.id,
          registered_city_id: 'lingnan',
        })
        .execute();
      await db
        .insertInto('enterprise_members')
        .values({ enterprise_id: enterpriseId, citizen_id: member.id, role: 'legal_rep' })
        .execute();
      const acting = await createSession(db, config, clock.now(), {
        kind: 'citizen',
        id: member.id,
        method: 'test',
        actingFor: enterpriseId,
      });
      const cookie = member.cookie.replace(/=.*/, `=${acting.token}`);
      memberActing = {
        ...member,
        cookie,
        csrf: acting.csrfToken,
        read: { cookie },
        write: { cookie, 'x-csrf-token': acting.csrfToken },
      };
      supervisor = await signedInStaff(db, config, clock, {
        departmentCode: 'market-regulation',
        roles: ['supervisor'],
      });
      clerk = await signedInStaff(db, config, clock, { departmentCode: 'market-regulation', roles: ['clerk'] });
      otherSupervisor = await signedInStaff(db, config, clock, {
        departmentCode: 'urban-management',
        roles: ['supervisor', 'department_admin'],
      });
      admin = await signedInStaff(db, config, clock, {
        departmentCode: 'gov-services-data',
        roles: ['platform_admin'],
      });
      marketId = supervisor.departmentId;
    });
    afterAll(async () => {
      if (!closed) await app.close();
    });

    it('issues a signed credential in the caller’s transaction: key made on first use, stored encrypted, event and audit', async () => {
      const before = await jwks();
      const issued = await issue();
      const after = await jwks();
      expect(after.keys.length).toBeGreaterThanOrEqual(1);
      expect(after.keys.find((k) => k.kid === issued.kid)).toMatchObject({
        kty: 'OKP',
        crv: 'Ed25519',
        alg: 'EdDSA',
        status: 'current',
      });
      expect(after.keys.some((k) => 'd' in k)).toBe(false);
      if (before.keys.length === 0) expect(after.keys).toHaveLength(1);

      const [header] = issued.jws.split('.');
      expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toEqual({
        cty: 'vc',
        alg: 'EdDSA',
        kid: issued.kid,
        typ: 'vc+jwt',
      });
      const checked = await verifyCredential(issued.jws, { keys: after, now: clock.now() });
      expect(checked).toMatchObject({
        valid: true,
        credential: {
          id: issued.id,
          holder: { name: '张三明', identifier: '440106199001011234' },
          claims: { shopName: '岭南面馆', seats: 40 },
          revocationList: 'http://localhost:0/api/v1/cities/lingnan/credentials/revocations',
        },
      });
      expect(issued.verifyUrl).toBe(`http://localhost:0/verify/${issued.id}`);

      const row = await credentialsDb(app.platform.db)
        .selectFrom('credentials')
        .selectAll()
        .where('id', '=', issued.id)
        .executeTakeFirstOrThrow();
      expect(row.holder_display).toBe('张*明');
      expect(row.jws_enc).not.toContain(issued.jws.split('.')[1]);
      const keyRow = await credentialsDb(app.platform.db)
        .selectFrom('credential_keys')
        .selectAll()
        .where('kid', '=', issued.kid)
        .executeTakeFirstOrThrow();
      expect(keyRow.private_jwk_enc).toMatch(/^v1\./);
      expect(keyRow.private_jwk_enc).not.toContain('"d"');

      const event = await app.platform.db
        .selectFrom('outbox_events')
        .select(['type', 'data'])
        .where('subject', '=', issued.id)
        .executeTakeFirstOrThrow();
      expect(event).toMatchObject({ type: 'credential.issued', data: { typeCode: 'food-business-licence' } });
      expect(JSON.stringify(event.data)).not.toContain('张三明');
      const audit = await app.platform.db
        .selectFrom('audit_log')
        .select(['action', 'details'])
        .where('subject_id', '=', issued.id)
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['credential.issue']);
    });

    it('publishes a signed, empty revocation list for a city that has issued nothing yet', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/v1/cities/nanwan/credentials/revocations' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=60');
      const list = res.json() as { jws: string; entries: number; kid: string; cityId: string };
      expect(list).toMatchObject({ cityId: 'nanwan', entries: 0 });
      const keys = (
        await app.inject({ method: 'GET', url: '/api/v1/cities/nanwan/credentials/jwks' })
      ).json() as KeySet;
      expect(keys.keys.map((k) => k.kid)).toEqual([list.kid]);
      const again = (await app.inject({ method: 'GET', url: '/api/v1/cities/nanwan/credentials/revocations' })).json();
      expect(again).toEqual(list);
      expect((await app.inject({ method: 'GET', url: '/api/v1/cities/nowhere/credentials/jwks' })).statusCode).toBe(
        404,
      );
    });

    it('refuses to issue for a department of another city or with dates the wrong way round', async () => {
      const nanwanDept = await app.platform.db
        .selectFrom('departments')
        .select('id')
        .where('city_id', '=', 'nanwan')
        .executeTakeFirstOrThrow();
      await expect(issue({ issuerDepartmentId: nanwanDept.id })).rejects.toMatchObject({
        code: 'CREDENTIAL_ISSUE_INVALID',
      });
      await expect(
        issue({ validFrom: new Date('2026-05-01T00:00:00Z'), validUntil: new Date('2026-04-01T00:00:00Z') }),
      ).rejects.toMatchObject({ code: 'CREDENTIAL_ISSUE_INVALID' });
    });

    it('puts credentials in the holder’s wallet; another citizen gets 404; an enterprise member acting for it sees the enterprise’s', async () => {
      const mine = await issue();
      const theirs = await issue({
        holder: { kind: 'enterprise', id: enterpriseId, name: '岭南面馆有限公司', identifier: '91440100MA5ABCDE1X' },
        typeCode: 'business-licence',
        typeName: { zh: '营业执照', en: 'Business licence' },
      });
      const list = async (who: TestSignIn) => {
        const res = await app.inject({ method: 'GET', url: '/api/v1/me/credentials?pageSize=100', headers: who.read });
        expect(res.statusCode).toBe(200);
        return (res.json() as { items: { id: string }[] }).items.map((i) => i.id);
      };
      expect(await list(holder)).toContain(mine.id);
      expect(await list(holder)).not.toContain(theirs.id);
      expect(await list(stranger)).toEqual([]);
      expect(await list(memberActing)).toEqual([theirs.id]);
      expect(await list(member)).toEqual([]);

      const detail = await app.inject({
        method: 'GET',
        url: `/api/v1/me/credentials/${mine.id}`,
        headers: holder.read,
      });
      expect(detail.statusCode).toBe(200);
      const body = detail.json() as {
        jws: string;
        state: string;
        holderName: string;
        claims: Record<string, unknown>;
        qr: { svg: string; dataUrl: string };
        verifyUrl: string;
        issuer: { department: { code: string; name: { zh: string } } };
      };
      expect(body).toMatchObject({
        jws: mine.jws,
        state: 'valid',
        holderName: '张三明',
        claims: { shopName: '岭南面馆' },
        verifyUrl: mine.verifyUrl,
        issuer: { department: { code: 'market-regulation' } },
      });
      expect(body.qr.svg).toMatch(/^<svg/);
      // The QR code decodes to the public verification page.
      const png = Buffer.from(body.qr.dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
      const raw = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const decoded = jsQR(new Uint8ClampedArray(raw.data), raw.info.width, raw.info.height);
      expect(decoded?.data).toBe(mine.verifyUrl);

      for (const path of ['', '/pdf', '/page']) {
        for (const who of [stranger, memberActing]) {
          const res = await app.inject({
            method: 'GET',
            url: `/api/v1/me/credentials/${mine.id}${path}`,
            headers: who.read,
          });
          expect(res.statusCode, `${path} as another citizen`).toBe(404);
          expect(res.json()).toMatchObject({ code: 'CREDENTIAL_NOT_FOUND' });
        }
      }
      const enterprise = await app.inject({
        method: 'GET',
        url: `/api/v1/me/credentials/${theirs.id}`,
        headers: memberActing.read,
      });
      expect(enterprise.statusCode).toBe(200);
      expect(
        (await app.inject({ method: 'GET', url: `/api/v1/me/credentials/${theirs.id}`, headers: member.read }))
          .statusCode,
      ).toBe(404);
    });

    it('renders a certificate page and a PDF with the Chinese font embedded, the fields and the QR code', async () => {
      const issued = await issue();
      const html = await app.inject({
        method: 'GET',
        url: `/api/v1/me/credentials/${issued.id}/page?lang=zh-CN`,
        headers: holder.read,
      });
      expect(html.statusCode).toBe(200);
      expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(html.body).toContain('<meta charset="utf-8">');
      expect(html.body).toContain('食品经营许可证');
      expect(html.body).toContain('岭南面馆');
      expect(html.body).toContain('4401**********1234');
      expect(html.body).not.toContain('440106199001011234');
      expect(html.body).toContain(issued.id);
      expect(html.body).toContain('<svg');

      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/me/credentials/${issued.id}/pdf`,
        headers: { ...holder.read, 'accept-language': 'en' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const pdf = res.rawPayload;
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const text = pdf.toString('latin1');
      expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansHans-Regular/);
      expect(text).toContain('/FontFile3');
      expect(text).toContain(issued.id);
      expect(text).toContain('credential.jwt');
      expect(pdf.length).toBeLessThan(400_000);

      if (hasTool('pdftotext')) {
        const dir = await mkdtemp(join(tmpdir(), 'onecity-pdf-'));
        await writeFile(join(dir, 'c.pdf'), pdf);
        const extracted = execFileSync('pdftotext', [join(dir, 'c.pdf'), '-'], { encoding: 'utf8' });
        expect(extracted).toContain('食品经营许可证');
        expect(extracted).toContain('岭南面馆');
        expect(extracted).toContain(issued.id);
        if (hasTool('pdftoppm')) {
          execFileSync('pdftoppm', ['-png', '-r', '110', '-singlefile', join(dir, 'c.pdf'), join(dir, 'page')]);
          const image = await sharp(await readFile(join(dir, 'page.png')))
            .ensureAlpha()
            .raw()
            .toBuffer({ resolveWithObject: true });
          const qr = jsQR(new Uint8ClampedArray(image.data), image.info.width, image.info.height);
          expect(qr?.data).toBe(issued.verifyUrl);
        }
      }
      // The PNG form of the QR code, too.
      const png = await sharp(await qrPng(issued.verifyUrl))
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      expect(jsQR(new Uint8ClampedArray(png.data), png.info.width, png.info.height)?.data).toBe(issued.verifyUrl);
    });

    it('verifies online through the API: valid, tampered payload, tampered signature, unknown key, expired, not yet valid', async () => {
      const issued = await issue();
      const valid = await verifyApi(issued.jws);
      expect(valid).toMatchObject({
        valid: true,
        reason: null,
        revocationChecked: true,
        credential: { id: issued.id, holder: { display: '张*明' } },
      });
      expect(JSON.stringify(valid)).not.toContain('440106199001011234');
      expect(JSON.stringify(valid)).not.toContain('张三明');

      const longer = rewritePayload(issued.jws, (p) => {
        p.validUntil = '2099-01-01T00:00:00.000Z';
      });
      expect(await verifyApi(longer)).toMatchObject({ valid: false, reason: 'bad_signature', credential: null });
      expect(await verifyApi(tamper(issued.jws, 2))).toMatchObject({ valid: false, reason: 'bad_signature' });
      const forger = await testKey('lingnan');
      expect(await verifyApi((await testCredential(forger)).jws)).toMatchObject({
        valid: false,
        reason: 'unknown_key',
      });
      expect(await verifyApi('not-a-credential')).toMatchObject({ valid: false, reason: 'malformed' });

      const expired = await issue({
        validFrom: new Date('2024-01-01T00:00:00Z'),
        validUntil: new Date('2026-01-01T00:00:00Z'),
      });
      expect(await verifyApi(expired.jws)).toMatchObject({ valid: false, reason: 'expired' });
      const future = await issue({ validFrom: new Date('2027-01-01T00:00:00Z'), validUntil: null });
      expect(await verifyApi(future.jws)).toMatchObject({ valid: false, reason: 'not_yet_valid' });

      const bad = await app.inject({ method: 'POST', url: '/api/v1/credentials/verify', payload: {} });
      expect(bad.statusCode).toBe(400);
    });

    it('shows the verification page: only what a verifier needs, zh-CN or en, unknown and altered ones refused', async () => {
      const issued = await issue();
      const zh = await page(issued.id, { 'accept-language': 'zh-CN' });
      expect(zh.status).toBe(200);
      expect(zh.outcome).toBe('valid');
      expect(zh.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(zh.body).toContain('<meta charset="utf-8">');
      expect(zh.body).toContain('<html lang="zh-CN">');
      for (const shown of [
        '有效',
        '食品经营许可证',
        '市场监督管理局',
        '张*明',
        '2026-05-01',
        '2031-05-01',
        issued.id,
      ]) {
        expect(zh.body).toContain(shown);
      }
      for (const hidden of ['张三明', '440106199001011234', '4401', '岭南面馆', '天河路', '@example.test']) {
        expect(zh.body).not.toContain(hidden);
      }
      const en = await page(issued.id, { 'accept-language': 'zh-CN' }, '?lang=en');
      expect(en.body).toContain('<html lang="en">');
      expect(en.body).toContain('Valid');
      expect(en.body).toContain('Food business licence');
      const enHeader = await page(issued.id, { 'accept-language': 'en-GB,en;q=0.9' });
      expect(enHeader.body).toContain('Valid');

      const unknown = await page(uuidv7());
      expect(unknown).toMatchObject({ status: 404, outcome: 'unknown' });
      expect((await page('nonsense')).outcome).toBe('unknown');

      const expired = await issue({
        validFrom: new Date('2024-01-01T00:00:00Z'),
        validUntil: new Date('2026-01-01T00:00:00Z'),
      });
      const expiredPage = await page(expired.id, { 'accept-language': 'en' });
      expect(expiredPage.outcome).toBe('expired');
      expect(expiredPage.body).toContain('expired on 2026-01-01');

      // Someone with write access to the database changes the stored credential: the page does
      // not trust the row, it verifies the signature, and says so.
      const altered = await issue();
      const forged = rewritePayload(altered.jws, (p) => {
        p.validUntil = '2099-01-01T00:00:00.000Z';
      });
      await credentialsDb(app.platform.db)
        .updateTable('credentials')
        .set({ jws_enc: app.platform.pii.encrypt(forged) })
        .where('id', '=', altered.id)
        .execute();
      expect((await page(altered.id)).outcome).toBe('invalid');
    });

    it('lets only the issuing department’s supervisors and admins revoke, publishes it signed, and verification says revoked with the reason', async () => {
      const issued = await issue();
      const revoke = (
        who: TestSignIn,
        body: object = { reason: 'superseded', note: '换发新证 (holder asked by phone)' },
      ) =>
        app.inject({
          method: 'POST',
          url: `/api/v1/cities/lingnan/credentials/${issued.id}/revoke`,
          headers: who.write,
          payload: body,
        });
      expect((await revoke(holder)).statusCode).toBe(403);
      expect((await revoke(clerk)).statusCode).toBe(403);
      expect((await revoke(admin)).statusCode).toBe(403);
      expect((await revoke(otherSupervisor)).statusCode).toBe(404);
      expect((await revoke(supervisor, { reason: 'because' })).statusCode).toBe(400);
      const done = await revoke(supervisor);
      expect(done.statusCode).toBe(200);
      expect(done.json()).toMatchObject({ id: issued.id, state: 'revoked', revocation: { reason: 'superseded' } });
      const again = await revoke(supervisor);
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'CREDENTIAL_ALREADY_REVOKED' });

      const listRes = await app.inject({ method: 'GET', url: '/api/v1/cities/lingnan/credentials/revocations' });
      expect(listRes.statusCode).toBe(200);
      const list = listRes.json() as { jws: string; entries: number };
      const payload = JSON.parse(Buffer.from(list.jws.split('.')[1] ?? '', 'base64url').toString()) as {
        revoked: { id: string; reason: string }[];
      };
      expect(payload.revoked).toContainEqual(expect.objectContaining({ id: issued.id, reason: 'superseded' }));
      expect(list.jws).not.toContain('phone');
      expect(JSON.stringify(payload)).not.toContain('phone');

      expect(await verifyApi(issued.jws)).toMatchObject({
        valid: false,
        reason: 'revoked',
        revocation: { reason: 'superseded' },
      });
      const revokedPage = await page(issued.id, { 'accept-language': 'zh-CN' });
      expect(revokedPage.outcome).toBe('revoked');
      expect(revokedPage.body).toContain('已换发新证');
      expect(revokedPage.body).not.toContain('phone');
      expect(
        await verifyCredential(issued.jws, { keys: await jwks(), revocations: list.jws, now: clock.now() }),
      ).toMatchObject({
        reason: 'revoked',
      });

      const audit = await app.platform.db
        .selectFrom('audit_log')
        .select(['action', 'actor_id', 'details'])
        .where('subject_id', '=', issued.id)
        .orderBy('seq')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['credential.issue', 'credential.revoke']);
      expect(audit[1]?.actor_id).toBe(supervisor.id);
      const events = await app.platform.db
        .selectFrom('outbox_events')
        .select('type')
        .where('subject', '=', issued.id)
        .orderBy('seq')
        .execute();
      expect(events.map((e) => e.type)).toEqual(['credential.issued', 'credential.revoked']);

      // The wallet and the department's list show it revoked.
      const wallet = await app.inject({
        method: 'GET',
        url: `/api/v1/me/credentials/${issued.id}`,
        headers: holder.read,
      });
      expect(wallet.json()).toMatchObject({ state: 'revoked' });
      // Staff's note is for staff: never in the holder's answer either.
      expect(wallet.body).not.toContain('phone');
      const issuedList = await app.inject({
        method: 'GET',
        url: '/api/v1/cities/lingnan/credentials?status=revoked',
        headers: clerk.read,
      });
      expect(issuedList.statusCode).toBe(200);
      expect((issuedList.json() as { items: { id: string; revocationNote: string }[] }).items).toContainEqual(
        expect.objectContaining({ id: issued.id, revocationNote: '换发新证 (holder asked by phone)' }),
      );
      const otherList = await app.inject({
        method: 'GET',
        url: '/api/v1/cities/lingnan/credentials',
        headers: otherSupervisor.read,
      });
      expect((otherList.json() as { items: { id: string }[] }).items.map((i) => i.id)).not.toContain(issued.id);
    });

    it('finds the certificates a holder already has for a later application (valid ones only)', async () => {
      const holderRef = { kind: 'citizen' as const, id: stranger.id };
      const good = await issue({ holder: { ...holderRef, name: '李四' }, typeCode: 'household-register' });
      await issue({
        holder: { ...holderRef, name: '李四' },
        typeCode: 'household-register',
        validFrom: new Date('2020-01-01T00:00:00Z'),
        validUntil: new Date('2025-01-01T00:00:00Z'),
      });
      const revoked = await issue({ holder: { ...holderRef, name: '李四' }, typeCode: 'residence-permit' });
      await app.inject({
        method: 'POST',
        url: `/api/v1/cities/lingnan/credentials/${revoked.id}/revoke`,
        headers: supervisor.write,
        payload: { reason: 'issued_in_error' },
      });
      const held = await findHeldCredentials(app.platform.db, {
        holder: holderRef,
        typeCodes: ['household-register', 'residence-permit', 'passport'],
        now: clock.now(),
      });
      expect(held.map((h) => h.id)).toEqual([good.id]);
      expect(held[0]).toMatchObject({ typeCode: 'household-register', holder: holderRef });
      expect(
        await findHeldCredentials(app.platform.db, { holder: holderRef, typeCodes: [], now: clock.now() }),
      ).toEqual([]);
      const opened = await openCredential(app.platform.db, app.platform.pii, good.id);
      expect(opened).toMatchObject({ jws: good.jws, holderName: '李四', claims: { shopName: '岭南面馆' } });
    });

    it('rotates keys (old ones still verify) and withdraws them (what they signed becomes unknown)', async () => {
      const old = await issue();
      const oldKid = old.kid;
      const rotate = (who: TestSignIn) =>
        app.inject({ method: 'POST', url: '/api/v1/cities/lingnan/credentials/keys/rotate', headers: who.write });
      expect((await rotate(supervisor)).statusCode).toBe(403);
      const rotated = await rotate(admin);
      expect(rotated.statusCode).toBe(201);
      const newKid = (rotated.json() as { kid: string }).kid;
      expect(newKid).not.toBe(oldKid);
      const keys = await jwks();
      expect(keys.keys.find((k) => k.kid === oldKid)).toMatchObject({ status: 'retired' });
      expect(keys.keys.find((k) => k.kid === newKid)).toMatchObject({ status: 'current' });

      const fresh = await issue();
      expect(fresh.kid).toBe(newKid);
      expect(await verifyApi(old.jws)).toMatchObject({ valid: true });
      expect((await page(old.id)).outcome).toBe('valid');

      const withdraw = (who: TestSignIn, kid: string) =>
        app.inject({
          method: 'POST',
          url: `/api/v1/cities/lingnan/credentials/keys/${encodeURIComponent(kid)}/withdraw`,
          headers: who.write,
          payload: { reason: 'Backup tape with the key was lost' },
        });
      expect((await withdraw(otherSupervisor, oldKid)).statusCode).toBe(403);
      expect((await withdraw(admin, 'no-such-key')).statusCode).toBe(404);
      expect((await withdraw(admin, oldKid)).statusCode).toBe(200);
      expect((await withdraw(admin, oldKid)).statusCode).toBe(409);
      expect((await jwks()).keys.map((k) => k.kid)).not.toContain(oldKid);

      expect(await verifyApi(old.jws)).toMatchObject({ valid: false, reason: 'unknown_key' });
      expect(await page(old.id)).toMatchObject({ status: 404, outcome: 'unknown' });
      expect(await verifyApi(fresh.jws)).toMatchObject({ valid: true });
      expect(
        await findHeldCredentials(app.platform.db, {
          holder: { kind: 'citizen', id: holder.id },
          typeCodes: ['food-business-licence'],
          now: clock.now(),
        }),
      ).toEqual([expect.objectContaining({ id: fresh.id })]);

      const keyList = await app.inject({
        method: 'GET',
        url: '/api/v1/cities/lingnan/credentials/keys',
        headers: admin.read,
      });
      expect((keyList.json() as { items: { kid: string; status: string }[] }).items).toContainEqual(
        expect.objectContaining({ kid: oldKid, status: 'withdrawn' }),
      );
      const audit = await app.platform.db
        .selectFrom('audit_log')
        .select('action')
        .where('subject_id', 'in', [oldKid, newKid])
        .orderBy('seq')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['credential.key.rotate', 'credential.key.withdraw']);
    });

    it('verifies offline with the key set and revocation list fetched from the public routes, the server gone', async () => {
      // A credential of a key then withdrawn; the city rotates first, so the others have a key that stays.
      const doomed = await issue();
      await app.inject({ method: 'POST', url: '/api/v1/cities/lingnan/credentials/keys/rotate', headers: admin.write });
      const valid = await issue();
      const revoked = await issue();
      await app.inject({
        method: 'POST',
        url: `/api/v1/cities/lingnan/credentials/${revoked.id}/revoke`,
        headers: supervisor.write,
        payload: { reason: 'cancelled' },
      });
      const expired = await issue({
        validFrom: new Date('2024-01-01T00:00:00Z'),
        validUntil: new Date('2026-01-01T00:00:00Z'),
      });
      await app.inject({
        method: 'POST',
        url: `/api/v1/cities/lingnan/credentials/keys/${encodeURIComponent(doomed.kid)}/withdraw`,
        headers: admin.write,
        payload: { reason: 'Compromised' },
      });
      expect(valid.kid).not.toBe(doomed.kid);

      const keys = JSON.parse(
        (await app.inject({ method: 'GET', url: '/api/v1/cities/lingnan/credentials/jwks' })).body,
      ) as KeySet;
      const list = (
        JSON.parse(
          (await app.inject({ method: 'GET', url: '/api/v1/cities/lingnan/credentials/revocations' })).body,
        ) as {
          jws: string;
        }
      ).jws;
      const now = clock.now();
      await app.close();
      closed = true;

      const offline = (jws: string) => verifyCredential(jws, { keys, revocations: list, now });
      expect(await offline(valid.jws)).toMatchObject({ valid: true, revocationChecked: true });
      expect(
        await offline(
          rewritePayload(valid.jws, (p) => {
            (p.credentialSubject as Record<string, unknown>).name = '李四';
          }),
        ),
      ).toMatchObject({ reason: 'bad_signature' });
      expect(await offline(tamper(valid.jws, 2))).toMatchObject({ reason: 'bad_signature' });
      expect(await offline(revoked.jws)).toMatchObject({ reason: 'revoked', revocation: { reason: 'cancelled' } });
      expect(await offline(doomed.jws)).toMatchObject({ reason: 'unknown_key' });
      expect(await offline((await testCredential(await testKey())).jws)).toMatchObject({ reason: 'unknown_key' });
      expect(await offline(expired.jws)).toMatchObject({ reason: 'expired' });
    });
  },
  'demo',
);
