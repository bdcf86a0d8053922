import { randomBytes } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { cellToLatLng, latLngToCell } from 'h3-js';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../app.ts';
import { createApiKey } from '../../../platform/identity/api-keys.ts';
import { ManualClock } from '../../../platform/time/clock.ts';
import { describeEachDialect } from '../../../testing/db.ts';
import { governanceDb } from '../schema.ts';

const BASE = '/api/open311/v2';
/** Inside Lingnan (west of the centre). */
const LAT = 23.1291;
const LON = 113.2644;

/** Elements the spec lists for each answer. */
const REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
];
const SERVICE_FIELDS = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'];
const ATTRIBUTE_FIELDS = ['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description'];
const LISTS = new Set(['service', 'request', 'error', 'attribute', 'value', 'endpoint', 'format']);

const parser = new XMLParser({
  ignoreDeclaration: true,
  parseTagValue: false,
  isArray: (name) => LISTS.has(name),
});

/** The XML body parsed, after checking it is well-formed, declared UTF-8 and served as text/xml. */
function xml(res: LightMyRequestResponse) {
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  expect(res.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  expect(XMLValidator.validate(res.body)).toBe(true);
  return parser.parse(res.body);
}

/** The JSON body, after checking the content type. */
function json(res: LightMyRequestResponse) {
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  return res.json();
}

/** The elements under `element`, as strings ('' for empty ones). */
const text = (element: Record<string, unknown>, name: string) => String(element[name] ?? '');

describeEachDialect(
  'open311',
  (ctx) => {
    let app: FastifyInstance;
    let key: string;
    let keyId: string;
    let nanwanKey: string;
    let readOnlyKey: string;
    const clock = new ManualClock('2026-06-01T02:00:00Z');

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      const db = ctx.handle().db;
      const created = await createApiKey(db, { cityId: 'lingnan', name: 'test', scopes: ['open311:write'] });
      key = created.key;
      keyId = created.id;
      nanwanKey = (await createApiKey(db, { cityId: 'nanwan', name: 'test', scopes: ['open311:write'] })).key;
      readOnlyKey = (await createApiKey(db, { cityId: 'lingnan', name: 'ro', scopes: ['reports:read'] })).key;
    });
    afterAll(async () => {
      await app?.close();
    });

    const get = (path: string, language = 'en') =>
      app.inject({ url: `${BASE}/${path}`, headers: { 'accept-language': language } });

    /** Posts a form, the way the spec sends service requests. */
    const post = (
      format: 'json' | 'xml',
      fields: Record<string, string>,
      headers: Record<string, string> = {},
      language = 'en',
    ) =>
      app.inject({
        method: 'POST',
        url: `${BASE}/requests.${format}`,
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          'accept-language': language,
          ...headers,
        },
        payload: new URLSearchParams(fields).toString(),
      });

    /** A valid submission (a streetlight out at the test point) with `extra` fields. */
    const form = (extra: Record<string, string> = {}) => ({
      api_key: key,
      jurisdiction_id: 'lingnan',
      service_code: 'streetlight-out',
      lat: String(LAT),
      long: String(LON),
      description: 'Two lamps are out',
      ...extra,
    });

    /** Posts and returns the new service_request_id. */
    async function submit(extra: Record<string, string> = {}): Promise<string> {
      const res = await post('json', form(extra));
      expect(res.statusCode, res.body).toBe(200);
      return json(res)[0].service_request_id;
    }

    /** Asserts `res` is the spec's error answer with `status`, in both formats' shapes. */
    function expectError(res: LightMyRequestResponse, status: number, format: 'json' | 'xml'): string[] {
      expect(res.statusCode, res.body).toBe(status);
      expect(String(res.headers['content-type'])).not.toContain('problem');
      if (format === 'json') {
        const body = json(res);
        expect(Array.isArray(body)).toBe(true);
        for (const e of body) {
          expect(Object.keys(e).sort()).toEqual(['code', 'description']);
          expect(typeof e.description).toBe('string');
        }
        expect(body[0].code).toBe(status);
        return body.map((e: { description: string }) => e.description);
      }
      const body = xml(res);
      expect(Object.keys(body)).toEqual(['errors']);
      const errors = body.errors.error as Record<string, unknown>[];
      expect(errors.length).toBeGreaterThan(0);
      expect(text(errors[0] ?? {}, 'code')).toBe(String(status));
      return errors.map((e) => text(e, 'description'));
    }

    describe('discovery', () => {
      it('says where the endpoint is and which formats it speaks, in JSON and XML', async () => {
        const res = await get('discovery.json');
        expect(res.statusCode).toBe(200);
        const body = json(res);
        expect(Object.keys(body).sort()).toEqual(['changeset', 'contact', 'endpoints', 'key_service']);
        expect(body.endpoints).toEqual([
          {
            specification: 'http://wiki.open311.org/GeoReport_v2',
            url: `${app.platform.config.http.publicUrl}/api/open311/v2`,
            changeset: body.changeset,
            type: 'test',
            formats: ['text/xml', 'application/json'],
          },
        ]);
        expect(body.changeset).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect(body.key_service).toContain('open311:write');

        const doc = xml(await get('discovery.xml', 'zh-CN')).discovery;
        expect(Object.keys(doc).sort()).toEqual(['changeset', 'contact', 'endpoints', 'key_service']);
        const endpoint = doc.endpoints.endpoint[0];
        expect(text(endpoint, 'specification')).toBe('http://wiki.open311.org/GeoReport_v2');
        expect(text(endpoint, 'type')).toBe('test');
        expect(endpoint.formats.format).toEqual(['text/xml', 'application/json']);
        expect(text(doc, 'contact')).toMatch(/[\u4e00-\u9fff]/);
      });

      it('answers an unknown format with a 404 in the spec’s error format', async () => {
        expectError(await get('discovery.html'), 404, 'xml');
        const res = await app.inject({ url: `${BASE}/discovery.yaml`, headers: { accept: 'application/json' } });
        expectError(res, 404, 'json');
      });
    });

    describe('services', () => {
      it('lists one service per category, in the request’s language', async () => {
        const en = json(await get('services.json?jurisdiction_id=lingnan'));
        expect(en.length).toBeGreaterThanOrEqual(40);
        for (const service of en) expect(Object.keys(service).sort()).toEqual([...SERVICE_FIELDS].sort());
        const manhole = en.find((s: { service_code: string }) => s.service_code === 'manhole-cover-missing');
        expect(manhole).toMatchObject({
          service_name: 'Missing manhole cover',
          metadata: true,
          type: 'realtime',
          group: 'Municipal facilities',
        });
        expect(manhole.keywords).toContain('井盖缺失');
        expect(manhole.description).toContain('30 minutes');
        expect(en.find((s: { service_code: string }) => s.service_code === 'sidewalk-damaged').metadata).toBe(false);

        const zh = xml(await get('services.xml?jurisdiction_id=lingnan', 'zh-CN'));
        const services = zh.services.service as Record<string, unknown>[];
        expect(services).toHaveLength(en.length);
        for (const service of services) expect(Object.keys(service).sort()).toEqual([...SERVICE_FIELDS].sort());
        const zhManhole = services.find((s) => s.service_code === 'manhole-cover-missing') ?? {};
        expect(text(zhManhole, 'service_name')).toBe('井盖缺失');
        expect(text(zhManhole, 'group')).toBe('市政设施');
        expect(text(zhManhole, 'metadata')).toBe('true');
        // `locale=` wins over Accept-Language.
        const viaParam = json(await get('services.json?jurisdiction_id=lingnan&locale=zh-CN', 'en'));
        expect(viaParam.find((s: { service_code: string }) => s.service_code === 'graffiti').service_name).toBe(
          '乱涂乱画',
        );
      });

      it('needs a jurisdiction while there are two cities, and refuses an unknown one', async () => {
        const missing = expectError(await get('services.json'), 400, 'json');
        expect(missing[0]).toContain('lingnan');
        expectError(await get('services.xml'), 400, 'xml');
        const unknown = expectError(await get('services.json?jurisdiction_id=atlantis'), 404, 'json');
        expect(unknown[0]).toContain('atlantis');
        expectError(await get('services.xml?jurisdiction_id=atlantis'), 404, 'xml');
        const zh = expectError(await get('services.json?jurisdiction_id=atlantis', 'zh-CN'), 404, 'json');
        expect(zh[0]).toMatch(/[\u4e00-\u9fff]/);
      });

      it('defines a category’s questions, yes/no ones as a true/false singlevaluelist', async () => {
        const def = json(await get('services/manhole-cover-missing.json?jurisdiction_id=lingnan'));
        expect(def.service_code).toBe('manhole-cover-missing');
        expect(def.attributes[0]).toEqual({
          variable: true,
          code: 'anyone_hurt',
          datatype: 'singlevaluelist',
          required: true,
          datatype_description: null,
          order: 1,
          description: 'Is anyone hurt?',
          values: [
            { key: 'true', name: 'Yes' },
            { key: 'false', name: 'No' },
          ],
        });
        expect(def.attributes[1]).toMatchObject({ code: 'blocks_traffic', required: false, order: 2 });

        const lamp = xml(await get('services/streetlight-out.xml?jurisdiction_id=lingnan', 'zh-CN'));
        const attribute = lamp.service_definition.attributes.attribute[0];
        for (const name of ATTRIBUTE_FIELDS) expect(attribute).toHaveProperty(name);
        expect(text(lamp.service_definition, 'service_code')).toBe('streetlight-out');
        expect(text(attribute, 'datatype')).toBe('number');
        expect(text(attribute, 'description')).toBe('不亮的灯数');

        const none = xml(await get('services/sidewalk-damaged.xml?jurisdiction_id=lingnan'));
        expect(text(none.service_definition, 'service_code')).toBe('sidewalk-damaged');
      });

      it('answers an unknown service, a group or a missing format with 404', async () => {
        const unknown = expectError(await get('services/no-such-thing.json?jurisdiction_id=lingnan'), 404, 'json');
        expect(unknown[0]).toContain('no-such-thing');
        expectError(await get('services/no-such-thing.xml?jurisdiction_id=lingnan'), 404, 'xml');
        expectError(await get('services/municipal-facilities.json?jurisdiction_id=lingnan'), 404, 'json');
        expectError(await get('services/graffiti?jurisdiction_id=lingnan'), 404, 'xml');
        expectError(await get('services/graffiti.xml?jurisdiction_id=atlantis'), 404, 'xml');
      });
    });

    describe('submitting', () => {
      it('takes a form through the intake and answers with the tracking number (JSON)', async () => {
        const res = await post(
          'json',
          form({
            service_code: 'manhole-cover-missing',
            'attribute[anyone_hurt]': 'false',
            'attribute[blocks_traffic]': 'true',
            address_string: '人民路 5 号',
            device_id: 'dev-1',
            lat: '23.1391',
            long: '113.2744',
          }),
        );
        expect(res.statusCode, res.body).toBe(200);
        const [answer] = json(res);
        expect(Object.keys(answer).sort()).toEqual(['account_id', 'service_notice', 'service_request_id']);
        expect(answer.service_request_id).toMatch(/^R\d{6}-\d{6}$/);
        expect(answer.account_id).toBeNull();
        expect(answer.service_notice).toMatch(/within/);
        const row = await governanceDb(ctx.handle().db)
          .selectFrom('reports')
          .selectAll()
          .where('tracking_no', '=', answer.service_request_id)
          .executeTakeFirstOrThrow();
        expect(row).toMatchObject({
          channel: 'open311',
          category_code: 'manhole-cover-missing',
          reporter_api_key_id: keyId,
          address: '人民路 5 号',
          device_id: 'dev-1',
          attributes: { anyone_hurt: false, blocks_traffic: true },
        });
        expect(row.contact_enc).toBeNull();
      });

      it('answers in XML and takes JSON bodies and a key in the query or header too', async () => {
        const res = await post('xml', form(), {}, 'zh-CN');
        expect(res.statusCode, res.body).toBe(200);
        const request = xml(res).service_requests.request[0];
        expect(Object.keys(request).sort()).toEqual(['account_id', 'service_notice', 'service_request_id']);
        expect(text(request, 'service_request_id')).toMatch(/^R\d{6}-\d{6}$/);
        expect(text(request, 'service_notice')).toMatch(/[\u4e00-\u9fff]/);

        const { api_key: _key, ...rest } = form({ lat: '23.1191', long: '113.2544' });
        const viaJson = await app.inject({
          method: 'POST',
          url: `${BASE}/requests.json?api_key=${encodeURIComponent(key)}`,
          payload: { ...rest, attribute: { lamp_count: 3 } },
        });
        expect(viaJson.statusCode, viaJson.body).toBe(200);
        const viaHeader = await app.inject({
          method: 'POST',
          url: `${BASE}/requests.json`,
          headers: { 'x-api-key': key },
          payload: { ...rest, service_code: 'graffiti', lat: '23.1201', long: '113.2611' },
        });
        expect(viaHeader.statusCode, viaHeader.body).toBe(200);
        // The key's city is the default jurisdiction of a POST.
        const { jurisdiction_id: _j, ...noJurisdiction } = form({ service_code: 'dead-animal' });
        expect((await post('json', noJurisdiction)).statusCode).toBe(200);
      });

      it('keeps contact details encrypted', async () => {
        const id = await submit({
          email: 'wang.private@example.test',
          phone: '13900001111',
          first_name: '小明',
          last_name: '王',
        });
        const row = await governanceDb(ctx.handle().db)
          .selectFrom('reports')
          .select('contact_enc')
          .where('tracking_no', '=', id)
          .executeTakeFirstOrThrow();
        expect(row.contact_enc).toBeTruthy();
        expect(row.contact_enc).not.toContain('wang.private');
        expect(JSON.parse(app.platform.pii.decrypt(row.contact_enc ?? ''))).toEqual({
          name: '王小明',
          email: 'wang.private@example.test',
          phone: '13900001111',
        });
      });

      it('refuses a missing, unknown, revoked-scope or foreign key with 403', async () => {
        const { api_key: _k, ...noKey } = form();
        expectError(await post('json', noKey), 403, 'json');
        expectError(await post('xml', noKey), 403, 'xml');
        expectError(await post('json', form({ api_key: 'ock_nope' })), 403, 'json');
        const bad = `ock_${'a'.repeat(12)}_${randomBytes(32).toString('base64url')}`;
        expectError(await post('xml', form({ api_key: bad })), 403, 'xml');
        expectError(await post('json', noKey, { 'x-api-key': 'garbage' }), 403, 'json');
        expectError(await post('json', form({ api_key: readOnlyKey })), 403, 'json');
        const foreign = expectError(await post('json', form({ api_key: nanwanKey })), 403, 'json');
        expect(foreign[0]).toContain('lingnan');
      });

      it('refuses bad fields with 400 and lists every problem', async () => {
        const { service_code: _s, lat: _lat, long: _long, ...bare } = form();
        const both = expectError(await post('json', bare), 400, 'json');
        expect(both).toHaveLength(2);
        expect(both[0]).toContain('service_code');
        expect(both[1]).toContain('lat and long');
        expectError(await post('xml', bare), 400, 'xml');
        expectError(await post('json', form({ lat: 'north' })), 400, 'json');
        expectError(await post('xml', form({ lat: '95', long: '113' })), 400, 'xml');
        expectError(await post('json', form({ long: '' })), 400, 'json');
        const addressOnly = expectError(
          await post('json', { ...bare, service_code: 'graffiti', address_string: '1 Main St' }),
          400,
          'json',
        );
        expect(addressOnly[0]).toContain('does not geocode');
        expectError(await post('json', form({ description: 'x'.repeat(4001) })), 400, 'json');
        expectError(await post('json', form({ description: 'nul \u0000 byte' })), 400, 'json');
        expectError(await post('json', form({ 'attribute[lamp_count]': 'many' })), 400, 'json');
        expectError(await post('json', form({ 'attribute[colour]': 'red' })), 400, 'json');
        expectError(await post('json', form({ service_code: 'manhole-cover-missing' })), 400, 'json');
        expectError(await post('json', form({ email: 'not-an-address' })), 400, 'json');
      });

      it('answers an unknown service or jurisdiction with 404', async () => {
        expectError(await post('json', form({ service_code: 'no-such-thing' })), 404, 'json');
        expectError(await post('xml', form({ service_code: 'no-such-thing' })), 404, 'xml');
        expectError(await post('json', form({ jurisdiction_id: 'atlantis' })), 404, 'json');
        expectError(await post('xml', form({ jurisdiction_id: 'atlantis' })), 404, 'xml');
      });

      it('survives malformed bodies without a 5xx', async () => {
        const send = (payload: string, type: string) =>
          app.inject({
            method: 'POST',
            url: `${BASE}/requests.json`,
            headers: { 'content-type': type, 'x-api-key': key },
            payload,
          });
        expectError(await send('{"service_code":', 'application/json'), 400, 'json');
        expectError(await send('[1,2]', 'application/json'), 400, 'json');
        expectError(await send('attribute[a][b]=1&lat=%ZZ', 'application/x-www-form-urlencoded'), 400, 'json');
        expectError(await send('hello', 'text/plain'), 400, 'json');
        expectError(
          await send(JSON.stringify({ service_code: { $ne: null }, lat: [1, 2], attribute: 'x' }), 'application/json'),
          400,
          'json',
        );
      });

      it('replays an answer for a repeated Idempotency-Key', async () => {
        const headers = { 'idempotency-key': `open311-${uuidv7()}` };
        const fields = form({ service_code: 'bin-overflowing', lat: '23.1000', long: '113.3000' });
        const first = await post('json', fields, headers);
        const again = await post('json', fields, headers);
        expect(first.statusCode).toBe(200);
        expect(again.headers['idempotent-replayed']).toBe('true');
        expect(again.body).toBe(first.body);
      });
    });

    describe('reading requests', () => {
      const secrets = {
        first_name: 'Secretfirst',
        last_name: 'Secretlast',
        email: 'secret.person@example.test',
        phone: '13712345678',
        device_id: 'secret-device-77',
        account_id: 'secret-account-99',
      };
      let ordinary: string;
      let sensitive: string;

      beforeAll(async () => {
        ordinary = await submit({
          ...secrets,
          service_code: 'graffiti',
          lat: '23.1411',
          long: '113.2811',
          description: '墙上有涂鸦，请打 13612345678 联系我，或写信 me@example.test',
          address_string: '解放路 8 号，电话 020-88887777',
        });
        sensitive = await submit({
          ...secrets,
          service_code: 'noise-nuisance',
          lat: '23.1291',
          long: '113.2644',
          description: '楼上 301 室每晚吵闹',
          address_string: '和平小区 3 栋 301',
          'attribute[at_night]': 'true',
        });
      });

      it('lists requests with the fields of the spec, in JSON and XML', async () => {
        const list = json(await get('requests.json?jurisdiction_id=lingnan'));
        expect(list.length).toBeGreaterThanOrEqual(2);
        for (const request of list) expect(Object.keys(request).sort()).toEqual([...REQUEST_FIELDS].sort());
        const mine = list.find((r: { service_request_id: string }) => r.service_request_id === ordinary);
        expect(mine).toMatchObject({
          status: 'open',
          service_code: 'graffiti',
          service_name: 'Graffiti',
          address_id: null,
          zipcode: null,
          lat: 23.1411,
          long: 113.2811,
          media_url: null,
        });
        expect(mine.requested_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect(mine.agency_responsible).toEqual(expect.any(String));

        const doc = xml(await get('requests.xml?jurisdiction_id=lingnan', 'zh-CN'));
        const requests = doc.service_requests.request as Record<string, unknown>[];
        expect(requests).toHaveLength(list.length);
        for (const request of requests) expect(Object.keys(request).sort()).toEqual([...REQUEST_FIELDS].sort());
        const zh = requests.find((r) => r.service_request_id === ordinary) ?? {};
        expect(text(zh, 'service_name')).toBe('乱涂乱画');
        expect(text(zh, 'status')).toBe('open');
      });

      it('never shows contact details, and masks numbers in descriptions and addresses', async () => {
        const bodies = [
          (await get('requests.json?jurisdiction_id=lingnan')).body,
          (await get('requests.xml?jurisdiction_id=lingnan')).body,
          (await get(`requests/${ordinary}.json?jurisdiction_id=lingnan`)).body,
          (await get(`requests/${sensitive}.xml?jurisdiction_id=lingnan`)).body,
          (await get(`requests.json?jurisdiction_id=lingnan&service_request_id=${ordinary},${sensitive}`)).body,
          (await get(`tokens/${ordinary}.json?jurisdiction_id=lingnan`)).body,
          (await get(`tokens/${sensitive}.xml?jurisdiction_id=lingnan`)).body,
        ];
        for (const body of bodies) {
          for (const secret of [...Object.values(secrets), '13612345678', '88887777', 'me@example.test', '301']) {
            expect(body).not.toContain(secret);
          }
        }
        const [mine] = json(await get(`requests/${ordinary}.json?jurisdiction_id=lingnan`));
        expect(mine.description).toBe('墙上有涂鸦，请打 *********** 联系我，或写信 ***@***');
        expect(mine.address).toBe('解放路 8 号，电话 ***-********');
      });

      it('coarsens sensitive categories and leaves out their free text', async () => {
        const [shown] = json(await get(`requests/${sensitive}.json?jurisdiction_id=lingnan`));
        const [lat, lon] = cellToLatLng(latLngToCell(23.1291, 113.2644, 7));
        expect(shown.lat).toBeCloseTo(lat, 5);
        expect(shown.long).toBeCloseTo(lon, 5);
        expect(Math.abs(shown.lat - 23.1291) + Math.abs(shown.long - 113.2644)).toBeGreaterThan(0.0001);
        expect(shown.description).toBeNull();
        expect(shown.address).toBeNull();
        const one = xml(await get(`requests/${sensitive}.xml?jurisdiction_id=lingnan`)).service_requests.request;
        expect(one).toHaveLength(1);
        expect(text(one[0], 'description')).toBe('');
        expect(Number(text(one[0], 'lat'))).toBeCloseTo(lat, 5);
      });

      it('shows a photo only once staff approved it for the public', async () => {
        const db = governanceDb(ctx.handle().db);
        const report = await db
          .selectFrom('reports')
          .select(['id', 'work_order_id'])
          .where('tracking_no', '=', ordinary)
          .executeTakeFirstOrThrow();
        const photo = async (approved: boolean) => {
          const id = uuidv7();
          await db
            .insertInto('files')
            .values({
              id,
              city_id: 'lingnan',
              purpose: 'report_photo',
              content_type: 'image/jpeg',
              byte_size: 1,
              width: 1,
              height: 1,
              sha256: randomBytes(32).toString('hex'),
              content: new Uint8Array([1]),
              thumbnail: new Uint8Array([1]),
              thumbnail_type: 'image/jpeg',
              thumbnail_width: 1,
              thumbnail_height: 1,
              uploaded_by_kind: 'api_key',
              uploaded_by_id: keyId,
              claim_hash: null,
              attached_to_kind: 'report',
              attached_to_id: report.id,
              attached_at: clock.now(),
            })
            .execute();
          await db
            .insertInto('report_photos')
            .values({
              file_id: id,
              city_id: 'lingnan',
              work_order_id: report.work_order_id,
              report_id: report.id,
              action_id: null,
              kind: 'before',
              public_approved_at: approved ? clock.now() : null,
              approved_by: null,
              created_at: clock.now(),
            })
            .execute();
          return id;
        };
        const hidden = await photo(false);
        let [shown] = json(await get(`requests/${ordinary}.json?jurisdiction_id=lingnan`));
        expect(shown.media_url).toBeNull();
        const approved = await photo(true);
        [shown] = json(await get(`requests/${ordinary}.json?jurisdiction_id=lingnan`));
        expect(shown.media_url).toBe(
          `${app.platform.config.http.publicUrl}/api/v1/cities/lingnan/public/photos/${approved}`,
        );
        expect(shown.media_url).not.toContain(hidden);
      });

      it('filters by id, service code and status (closed: resolved, closed, invalid, merged)', async () => {
        const byId = json(
          await get(`requests.json?jurisdiction_id=lingnan&service_request_id=${ordinary},${sensitive}`),
        );
        expect(byId.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual(
          [ordinary, sensitive].sort(),
        );
        const byCode = json(await get('requests.json?jurisdiction_id=lingnan&service_code=noise-nuisance,graffiti'));
        expect(new Set(byCode.map((r: { service_code: string }) => r.service_code))).toEqual(
          new Set(['noise-nuisance', 'graffiti']),
        );

        const closedId = await submit({ service_code: 'illegal-flyposting', lat: '23.1500', long: '113.2900' });
        const db = governanceDb(ctx.handle().db);
        const report = await db
          .selectFrom('reports')
          .select('work_order_id')
          .where('tracking_no', '=', closedId)
          .executeTakeFirstOrThrow();
        // The read side only: a work order whose projection says it is closed.
        await db.updateTable('work_orders').set({ status: 'closed' }).where('id', '=', report.work_order_id).execute();
        const closed = json(await get('requests.json?jurisdiction_id=lingnan&status=closed'));
        expect(closed.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([closedId]);
        expect(closed[0].status).toBe('closed');
        expect(closed[0].status_notes).toBe('closed');
        const open = json(await get('requests.json?jurisdiction_id=lingnan&status=open&page_size=200'));
        expect(open.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(closedId);
        expect(open.every((r: { status: string }) => r.status === 'open')).toBe(true);
        const all = json(await get('requests.json?jurisdiction_id=lingnan&status=open,closed&page_size=200'));
        expect(all.length).toBe(open.length + 1);
        expectError(await get('requests.json?jurisdiction_id=lingnan&status=pending'), 400, 'json');
      });

      it('filters by date: 90 days by default and at most, W3C format', async () => {
        const now = clock.now();
        const day = 24 * 3600 * 1000;
        const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
        const recent = json(
          await get(
            `requests.json?jurisdiction_id=lingnan&start_date=${iso(new Date(now.getTime() - day))}&end_date=${iso(new Date(now.getTime() + day))}`,
          ),
        );
        expect(recent.map((r: { service_request_id: string }) => r.service_request_id)).toContain(ordinary);
        const past = json(
          await get(
            'requests.json?jurisdiction_id=lingnan&start_date=2026-01-01T00:00:00%2B08:00&end_date=2026-03-01T00:00:00Z',
          ),
        );
        expect(past).toEqual([]);
        const dateOnly = json(
          await get('requests.json?jurisdiction_id=lingnan&start_date=2026-05-31&end_date=2026-06-01'),
        );
        expect(dateOnly.map((r: { service_request_id: string }) => r.service_request_id)).toContain(ordinary);
        // A report from long ago is outside the default window.
        clock.advance(100 * day);
        expect(json(await get('requests.json?jurisdiction_id=lingnan'))).toEqual([]);
        clock.set(now);

        for (const bad of [
          'start_date=yesterday',
          'end_date=2026-06-01T00:00:00',
          'start_date=2026-02-30T00:00:00Z',
          'start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z',
          'start_date=2026-06-01T00:00:00Z&end_date=2026-05-01T00:00:00Z',
        ]) {
          expectError(await get(`requests.json?jurisdiction_id=lingnan&${bad}`), 400, 'json');
          expectError(await get(`requests.xml?jurisdiction_id=lingnan&${bad}`), 400, 'xml');
        }
      });

      it('pages with page and page_size, and ignores parameters it does not know', async () => {
        for (let i = 0; i < 4; i++) {
          await submit({ service_code: 'shop-spillover', lat: String(23.11 + i * 0.003), long: '113.25' });
        }
        const q = 'requests.json?jurisdiction_id=lingnan&service_code=shop-spillover&page_size=3';
        const first = json(await get(q));
        const second = json(await get(`${q}&page=2`));
        expect(first).toHaveLength(3);
        expect(second).toHaveLength(1);
        const ids = [...first, ...second].map((r: { service_request_id: string }) => r.service_request_id);
        expect(new Set(ids).size).toBe(4);
        // Newest first.
        expect(ids).toEqual([...ids].sort().reverse());
        expect(json(await get(`${q}&page=3`))).toEqual([]);
        expect(
          json(await get('requests.json?jurisdiction_id=lingnan&page_size=1000&whatever=1')).length,
        ).toBeLessThanOrEqual(200);
        expectError(await get('requests.json?jurisdiction_id=lingnan&page=0'), 400, 'json');
        expectError(await get('requests.xml?jurisdiction_id=lingnan&page_size=ten'), 400, 'xml');
      });

      it('answers one request as a list of one, and an unknown one with 404', async () => {
        const one = json(await get(`requests/${ordinary}.json?jurisdiction_id=lingnan`));
        expect(one).toHaveLength(1);
        expect(one[0].service_request_id).toBe(ordinary);
        expectError(await get('requests/R000000-000000.json?jurisdiction_id=lingnan'), 404, 'json');
        expectError(await get('requests/R000000-000000.xml?jurisdiction_id=lingnan'), 404, 'xml');
        // A report of another city is not found in this one.
        expectError(await get(`requests/${ordinary}.json?jurisdiction_id=nanwan`), 404, 'json');
        expectError(await get('requests.json'), 400, 'json');
        expectError(await get('requests.xml?jurisdiction_id=atlantis'), 404, 'xml');
      });

      it('turns a token (the tracking number) into the service_request_id', async () => {
        expect(json(await get(`tokens/${ordinary}.json?jurisdiction_id=lingnan`))).toEqual([
          { service_request_id: ordinary, token: ordinary },
        ]);
        const doc = xml(await get(`tokens/${ordinary}.xml?jurisdiction_id=lingnan`));
        expect(doc.service_requests.request[0]).toEqual({ service_request_id: ordinary, token: ordinary });
        expectError(await get('tokens/nope.json?jurisdiction_id=lingnan'), 404, 'json');
        expectError(await get('tokens/nope.xml?jurisdiction_id=lingnan'), 404, 'xml');
      });
    });

    it('answers unknown paths under the endpoint in the spec’s error format', async () => {
      expectError(await get('nothing-here.json'), 404, 'json');
      expectError(await get('requests/a/b.xml'), 404, 'xml');
      const zh = expectError(await get('requests/R1.html?jurisdiction_id=lingnan', 'zh-CN'), 404, 'xml');
      expect(zh[0]).toMatch(/[\u4e00-\u9fff]/);
    });
  },
  'demo',
);
