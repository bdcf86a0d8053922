/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), mounted at /api/open311/v2 with
 * the standard's own paths and formats (`.json`, `.xml`), on top of OneCity's report intake:
 * a request posted here is a OneCity report like any other (same tables, same pipeline, same
 * duplicate linking and dispatch), and `GET requests` lists every channel's reports.
 *
 * Decisions, where the standard leaves room:
 * - jurisdiction_id is the city id (`lingnan`); it is required while the deployment serves more
 *   than one city, except on POST, where the API key's own city is the default;
 * - POST takes `api_key` in the form, in the query or as the platform's usual `X-API-Key` /
 *   `Authorization: Bearer` header; the key needs the scope `open311:write` and must belong to
 *   the jurisdiction. The route is declared public because the key travels in the body: it is
 *   checked before the handler runs, and becomes the request's principal (so Idempotency-Key
 *   replays are scoped to the key);
 * - OneCity answers synchronously with the service_request_id (the tracking number, e.g.
 *   `R260601-000001`); `GET tokens/{token}` still exists and takes that tracking number as the
 *   token, so clients written for batch servers work too;
 * - a location must be a point (lat/long): address_string is kept with a point but never
 *   geocoded, and an address alone is refused with an error saying so;
 * - media_url is not fetched or stored (OneCity keeps only photos uploaded to it, stripped of
 *   metadata); account_id is not kept either, and the answer's account_id is empty;
 * - contact details (name, e-mail, phone) are stored encrypted by the intake and never served;
 *   privacy.ts and presenters.ts decide what the public `GET requests` shows;
 * - errors use the spec's format and statuses (404 unknown, 403 key, 400 otherwise), never
 *   problem+json, with descriptions from the platform's error catalog in the request's language
 *   (Accept-Language, or `locale=`).
 */
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { City } from '#contracts';
import type { Locale } from '../../../config.ts';
import { AppError } from '../../../platform/http/errors.ts';
import { requestLocale, toAppError } from '../../../platform/http/problem.ts';
import { negotiateLocale } from '../../../platform/i18n/locale.ts';
import { access } from '../../../platform/identity/access.ts';
import { findApiKey } from '../../../platform/identity/api-keys.ts';
import type { ApiKeyPrincipal } from '../../../platform/identity/principal.ts';
import { listCities, requireCity } from '../../../platform/tenancy/index.ts';
import { submitReport } from '../intake.ts';
import { findCategory, listCategoryTree } from '../repository.ts';
import {
  answerFormat,
  FORMAT_MIME_TYPES,
  type Format,
  formatOf,
  Open311Errors,
  sendDocument,
  sendErrors,
  splitFile,
} from './format.ts';
import { jurisdictionOf, localeParam, readSubmission, requestFilter, typedAttributes } from './input.ts';
import {
  createdRequest,
  discoveryDocument,
  publicRequest,
  serviceDefinition,
  serviceList,
  serviceNotice,
  tokenAnswer,
} from './presenters.ts';
import { categoriesChangedAt, departmentNames, findRequests, reportExists } from './queries.ts';

/** The scope an API key needs to post service requests. */
export const OPEN311_WRITE_SCOPE = 'open311:write';

type Source = Record<string, unknown>;

const param = (description: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe(description);
const jurisdiction = param('City id, e.g. `lingnan`; required while the deployment serves several cities');
const locale = param('`zh-CN` or `en` (otherwise Accept-Language)');
const FormatParams = z.object({ format: z.string().describe('`json` or `xml`') });
const FileParams = (what: string) => z.object({ file: z.string().describe(`${what}, then \`.json\` or \`.xml\``) });
const CityQuery = z.looseObject({ jurisdiction_id: jurisdiction, locale });
const RequestsQuery = z.looseObject({
  jurisdiction_id: jurisdiction,
  locale,
  service_request_id: param('Tracking numbers, comma separated; overrides every other filter'),
  service_code: param('Category codes, comma separated'),
  start_date: param('W3C date-time with zone; default: 90 days before end_date (or now)'),
  end_date: param('W3C date-time with zone; the range may span at most 90 days'),
  status: param('`open` or `closed` (closed: resolved, closed, returned as invalid, merged)'),
  page: param('Page number, from 1'),
  page_size: param('Requests per page: default 50, at most 200'),
});
const PostQuery = z.looseObject({
  api_key: param('The API key (may also be a form field)'),
  jurisdiction_id: jurisdiction,
});

const docs = (summary: string, description?: string) => ({
  tags: ['open311'],
  summary,
  ...(description ? { description } : {}),
});

function isObject(value: unknown): value is Source {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function queryOf(request: FastifyRequest): Source {
  return isObject(request.query) ? request.query : {};
}

/** The request's language: `locale=` when it names one OneCity speaks, else Accept-Language. */
function localeOf(request: FastifyRequest): Locale {
  return negotiateLocale(localeParam(queryOf(request)), requestLocale(request));
}

/** The format of a `.:format` route, or a 404 naming the unknown one. */
function formatParam(request: FastifyRequest): Format {
  const given = String((request.params as { format?: unknown }).format ?? '');
  const format = formatOf(given);
  if (!format) throw new AppError('OPEN311_FORMAT_UNSUPPORTED', { format: given.slice(0, 20) });
  return format;
}

/** The name and format of a `/:file` route (`{name}.{format}`), or a 404. */
function fileParam(request: FastifyRequest): { name: string; format: Format } {
  const file = String((request.params as { file?: unknown }).file ?? '');
  const { name, format } = splitFile(file);
  if (!format)
    throw new AppError('OPEN311_FORMAT_UNSUPPORTED', { format: file.slice(file.lastIndexOf('.') + 1).slice(0, 20) });
  return { name, format };
}

/** The city a request is about: the jurisdiction it names, else `fallback`, else the only city there is. */
async function cityFor(request: FastifyRequest, given: string | undefined, fallback?: string): Promise<City> {
  const { db } = request.server.platform;
  const id = given ?? fallback;
  if (id !== undefined) {
    if (id.length > 64) throw new AppError('CITY_NOT_FOUND', { city: id.slice(0, 40) });
    return requireCity(db, id);
  }
  const cities = await listCities(db);
  const only = cities.length === 1 ? cities[0] : undefined;
  if (only) return only;
  throw new AppError('OPEN311_JURISDICTION_REQUIRED', { cities: cities.map((c) => c.id).join(', ') });
}

/** Sends `value` in `format`, in the request's language. */
function send(
  request: FastifyRequest,
  reply: FastifyReply,
  format: Format,
  root: string,
  value: Parameters<typeof sendDocument>[3],
) {
  reply.header('content-language', localeOf(request));
  return sendDocument(reply, format, root, value);
}

/**
 * The API key of `POST requests`: from the form, the query, or the platform's headers (already
 * resolved by the auth layer). It becomes the request's principal.
 */
async function authenticateKey(request: FastifyRequest): Promise<void> {
  const { db, clock } = request.server.platform;
  const sources = [isObject(request.body) ? request.body : {}, queryOf(request)];
  let presented: unknown;
  for (const source of sources) {
    const value = Object.hasOwn(source, 'api_key') ? source.api_key : undefined;
    presented = Array.isArray(value) ? value[0] : value;
    if (presented !== undefined && presented !== '') break;
  }
  if (presented !== undefined && presented !== '') {
    const found = typeof presented === 'string' ? await findApiKey(db, clock.now(), presented.trim()) : null;
    if (!found) throw new AppError('API_KEY_INVALID');
    request.principal = found;
  } else if (request.principal.kind !== 'api_key') {
    throw new AppError('OPEN311_API_KEY_REQUIRED');
  }
  const principal = request.principal as ApiKeyPrincipal;
  if (!principal.scopes.includes(OPEN311_WRITE_SCOPE)) {
    throw new AppError('OPEN311_API_KEY_SCOPE', { scope: OPEN311_WRITE_SCOPE });
  }
}

/** Any failure as catalog errors, mapped the way the platform's problem handler maps them. */
function toErrors(error: FastifyError | Error, request: FastifyRequest): AppError[] {
  if (error instanceof Open311Errors) return error.errors;
  return [toAppError(error as FastifyError, request)];
}

/** Registers the Open311 GeoReport v2 endpoints. */
export async function open311Routes(app: FastifyInstance) {
  // Form bodies (the spec's POST format), for these routes only unless the app already parses them; JSON works too.
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(formbody);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const errors = toErrors(error, request);
    const first = errors[0];
    if (first && first.status >= 500) request.log.error({ err: error, code: first.code }, 'open311 request failed');
    else request.log.info({ codes: errors.map((e) => e.code) }, 'open311 request rejected');
    return sendErrors(reply, answerFormat(request), localeOf(request), errors);
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new AppError('ROUTE_NOT_FOUND', {
      method: request.method,
      path: (request.url.split('?')[0] ?? '/').slice(0, 200),
    });
    return sendErrors(reply, answerFormat(request), localeOf(request), [error]);
  });

  const { config, db, clock } = app.platform;
  const base = `${config.http.publicUrl}/api/open311/v2`;
  const photoUrl = (cityId: string) => (fileId: string) =>
    `${config.http.publicUrl}/api/v1/cities/${encodeURIComponent(cityId)}/public/photos/${encodeURIComponent(fileId)}`;

  app.get(
    '/discovery.:format',
    {
      config: { access: access.public() },
      schema: { ...docs('Service discovery: where the endpoint is and what it speaks'), params: FormatParams },
    },
    async (request, reply) => {
      const format = formatParam(request);
      const document = discoveryDocument({
        locale: localeOf(request),
        url: base,
        changeset: await categoriesChangedAt(db),
        production: config.env === 'production',
        formats: FORMAT_MIME_TYPES,
      });
      return send(request, reply, format, 'discovery', document);
    },
  );

  app.get(
    '/services.:format',
    {
      config: { access: access.public() },
      schema: {
        ...docs('Service list: one service per report category of the city'),
        params: FormatParams,
        querystring: CityQuery,
      },
    },
    async (request, reply) => {
      const format = formatParam(request);
      const city = await cityFor(request, jurisdictionOf(queryOf(request)));
      const groups = await listCategoryTree(db, city.id);
      return send(request, reply, format, 'services', serviceList(groups, localeOf(request)));
    },
  );

  app.get(
    '/services/:file',
    {
      config: { access: access.public() },
      schema: {
        ...docs('Service definition: the extra questions of a category (yes/no ones as a true/false singlevaluelist)'),
        params: FileParams('The service_code'),
        querystring: CityQuery,
      },
    },
    async (request, reply) => {
      const { name, format } = fileParam(request);
      const city = await cityFor(request, jurisdictionOf(queryOf(request)));
      const category = name.length <= 64 ? await findCategory(db, city.id, name) : null;
      if (!category) throw new AppError('REPORT_CATEGORY_NOT_FOUND', { category: name.slice(0, 64) });
      return send(request, reply, format, 'service_definition', serviceDefinition(category, localeOf(request)));
    },
  );

  app.post(
    '/requests.:format',
    {
      // Public at the door: the key travels in the form body, so it is checked in preValidation.
      config: { access: access.public() },
      schema: {
        ...docs(
          'Submit a service request (a OneCity report)',
          'Form-encoded (`application/x-www-form-urlencoded`) or JSON. Fields: api_key, jurisdiction_id, ' +
            'service_code, lat, long, address_string (kept with a point, never geocoded), attribute[code], ' +
            'description (≤ 4,000 characters), email, phone, first_name, last_name, device_id. account_id and ' +
            'media_url are accepted and not kept. Answers at once with the service_request_id (realtime).',
        ),
        params: FormatParams,
        querystring: PostQuery,
      },
      preValidation: async (request) => {
        formatParam(request);
        await authenticateKey(request);
      },
    },
    async (request, reply) => {
      const format = formatParam(request);
      const principal = request.principal as ApiKeyPrincipal;
      const body = isObject(request.body) ? request.body : {};
      const city = await cityFor(request, jurisdictionOf(body, queryOf(request)), principal.cityId);
      if (city.id !== principal.cityId) throw new AppError('OPEN311_API_KEY_JURISDICTION', { city: city.id });
      const submission = readSubmission(body);
      const { lat, lon } = submission;
      if (lat === undefined || lon === undefined) throw new AppError('OPEN311_LOCATION_REQUIRED');
      const code = submission.serviceCode ?? '';
      const category = await findCategory(db, city.id, code);
      if (!category) throw new AppError('REPORT_CATEGORY_NOT_FOUND', { category: code.slice(0, 64) });
      const attributes = typedAttributes(category, submission.attributes);
      const contact = {
        ...(submission.name ? { name: submission.name } : {}),
        ...(submission.email ? { email: submission.email } : {}),
        ...(submission.phone ? { phone: submission.phone } : {}),
      };
      const result = await submitReport(
        app.platform,
        principal,
        {
          cityId: city.id,
          categoryCode: category.code,
          description: submission.description,
          lat,
          lon,
          address: submission.address ?? null,
          attributes,
          channel: 'open311',
          contact: Object.keys(contact).length ? contact : null,
          deviceId: submission.deviceId ?? null,
        },
        { requestId: String(request.id), duplicates: config.duplicates },
      );
      const notice = serviceNotice(localeOf(request), {
        department: await departmentNames(db, result.departmentId),
        acceptWithinMinutes: category.acceptWithinMinutes,
        resolveWithinMinutes: category.resolveWithinMinutes,
        duplicateOf: result.duplicateOf,
      });
      return send(request, reply, format, 'service_requests', createdRequest(result.trackingNo, notice));
    },
  );

  app.get(
    '/requests.:format',
    {
      config: { access: access.public() },
      schema: {
        ...docs(
          'Service requests of the city, newest first',
          'Public: never the reporter’s name, e-mail, phone, device or account. Descriptions and addresses only ' +
            'for categories that are not sensitive, with phone-, ID- and e-mail-like text masked; locations rounded ' +
            'to ~10 m, or to the centre of their H3 resolution-7 cell for sensitive categories.',
        ),
        params: FormatParams,
        querystring: RequestsQuery,
      },
    },
    async (request, reply) => {
      const format = formatParam(request);
      const query = queryOf(request);
      const city = await cityFor(request, jurisdictionOf(query));
      const filter = requestFilter(query, clock.now(), city.timeZone);
      const rows = await findRequests(db, city.id, filter);
      const locale = localeOf(request);
      const toUrl = photoUrl(city.id);
      return send(
        request,
        reply,
        format,
        'service_requests',
        rows.map((row) => publicRequest(row, locale, toUrl)),
      );
    },
  );

  app.get(
    '/requests/:file',
    {
      config: { access: access.public() },
      schema: {
        ...docs('One service request (a list of one, as the spec says)'),
        params: FileParams('The service_request_id (tracking number)'),
        querystring: CityQuery,
      },
    },
    async (request, reply) => {
      const { name, format } = fileParam(request);
      const city = await cityFor(request, jurisdictionOf(queryOf(request)));
      const rows = name.length <= 64 ? await findRequests(db, city.id, { ids: [name], limit: 1, offset: 0 }) : [];
      const locale = localeOf(request);
      if (!rows.length) throw new AppError('REPORT_NOT_FOUND', { report: name.slice(0, 64) });
      const toUrl = photoUrl(city.id);
      return send(
        request,
        reply,
        format,
        'service_requests',
        rows.map((row) => publicRequest(row, locale, toUrl)),
      );
    },
  );

  app.get(
    '/tokens/:file',
    {
      config: { access: access.public() },
      schema: {
        ...docs(
          'The service_request_id of a token',
          'OneCity answers POST at once with the service_request_id; a token is that same tracking number.',
        ),
        params: FileParams('The token (a tracking number)'),
        querystring: CityQuery,
      },
    },
    async (request, reply) => {
      const { name, format } = fileParam(request);
      const city = await cityFor(request, jurisdictionOf(queryOf(request)));
      const found = name.length <= 64 && (await reportExists(db, city.id, name));
      if (!found) throw new AppError('REPORT_NOT_FOUND', { report: name.slice(0, 64) });
      return send(request, reply, format, 'service_requests', tokenAnswer(name));
    },
  );
}
