/**
 * OneCity's categories and reports in the shapes of GeoReport v2 (JSON shape; format.ts turns
 * them into XML). What a public request may show is decided here, with privacy.ts: never
 * contact details (they are not even read), descriptions and addresses of non-sensitive
 * categories only and masked, locations rounded or coarsened, photos only once approved.
 */
import type { Locale } from '../../../config.ts';
import { statusLabels } from '../labels.ts';
import type { Category, CategoryGroup } from '../repository.ts';
import { OPEN_STATUSES } from '../workflow.ts';
import type { SparkValue } from './format.ts';
import { maskContactDetails, publicLocation } from './privacy.ts';
import type { RequestRow } from './queries.ts';
import { duration, text } from './texts.ts';

/** The identifier of the specification served, as discovery names it. */
export const GEOREPORT_V2 = 'http://wiki.open311.org/GeoReport_v2';

/** A timestamp in the W3C format the spec asks for (UTC, whole seconds). */
export function w3c(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const named = (item: { nameZh: string; nameEn: string }, locale: Locale) =>
  locale === 'zh-CN' ? item.nameZh : item.nameEn;

/** The discovery document. */
export function discoveryDocument(args: {
  locale: Locale;
  url: string;
  changeset: Date | null;
  production: boolean;
  formats: readonly string[];
}): SparkValue {
  const changeset = w3c(args.changeset ?? new Date(0));
  return {
    changeset,
    contact: text('contact', args.locale),
    key_service: text('keyService', args.locale),
    endpoints: [
      {
        specification: GEOREPORT_V2,
        url: args.url,
        changeset,
        type: args.production ? 'production' : 'test',
        formats: [...args.formats],
      },
    ],
  };
}

/** One service per category citizens can pick, grouped as in the city's category tree. */
export function serviceList(groups: CategoryGroup[], locale: Locale): SparkValue {
  return groups.flatMap((group) =>
    group.categories.map((category) => ({
      service_code: category.code,
      service_name: named(category, locale),
      description: text('serviceDescription', locale, {
        name: named(category, locale),
        accept: duration(category.acceptWithinMinutes, locale),
        resolve: duration(category.resolveWithinMinutes, locale),
      }),
      metadata: category.attributes.length > 0,
      type: 'realtime',
      // The names in both languages: a client searching in either finds the service.
      keywords: [...new Set([category.nameZh, category.nameEn, group.nameZh, group.nameEn])].join(', '),
      group: named(group, locale),
    })),
  );
}

/** A category's extra questions as a service definition; a yes/no question is a singlevaluelist of true/false. */
export function serviceDefinition(category: Category, locale: Locale): SparkValue {
  return {
    service_code: category.code,
    attributes: category.attributes.map((attribute, index) => {
      const description = locale === 'zh-CN' ? attribute.label_zh : attribute.label_en;
      const base = {
        variable: true,
        code: attribute.code,
        datatype: attribute.type === 'boolean' ? 'singlevaluelist' : attribute.type,
        required: attribute.required,
        datatype_description:
          attribute.type === 'number'
            ? text('numberDescription', locale)
            : attribute.type === 'string'
              ? text('stringDescription', locale)
              : null,
        order: index + 1,
        description,
      };
      if (attribute.type !== 'boolean') return base;
      return {
        ...base,
        values: [
          { key: 'true', name: text('yes', locale) },
          { key: 'false', name: text('no', locale) },
        ],
      };
    }),
  };
}

/** What will happen to a request: who handles it and within which time limits. */
export function serviceNotice(
  locale: Locale,
  args: {
    department: { nameZh: string; nameEn: string } | null;
    acceptWithinMinutes: number;
    resolveWithinMinutes: number;
    duplicateOf?: string | null;
  },
): string {
  const limits = {
    accept: duration(args.acceptWithinMinutes, locale),
    resolve: duration(args.resolveWithinMinutes, locale),
  };
  const notice = args.department
    ? text('noticeDepartment', locale, { department: named(args.department, locale), ...limits })
    : text('noticeManual', locale, limits);
  return args.duplicateOf
    ? `${notice}${locale === 'zh-CN' ? '' : ' '}${text('noticeDuplicate', locale, { original: args.duplicateOf })}`
    : notice;
}

/** The answer to `POST requests`: the id at once (OneCity is realtime), a notice, no account id (none is kept). */
export function createdRequest(trackingNo: string, notice: string): SparkValue {
  return [{ service_request_id: trackingNo, service_notice: notice, account_id: null }];
}

/** The answer to `GET tokens/{token}`. */
export function tokenAnswer(trackingNo: string): SparkValue {
  return [{ service_request_id: trackingNo, token: trackingNo }];
}

/** One report as a public service request. */
export function publicRequest(row: RequestRow, locale: Locale, photoUrl: (fileId: string) => string): SparkValue {
  const open = (OPEN_STATUSES as readonly string[]).includes(row.status);
  const place = publicLocation(row.lat, row.lon, row.sensitive);
  const department =
    row.departmentNameZh !== null && row.departmentNameEn !== null
      ? { nameZh: row.departmentNameZh, nameEn: row.departmentNameEn }
      : null;
  const updated = new Date(Math.max(row.workOrderUpdatedAt.getTime(), row.createdAt.getTime()));
  const serviceName =
    row.categoryNameZh !== null && row.categoryNameEn !== null
      ? named({ nameZh: row.categoryNameZh, nameEn: row.categoryNameEn }, locale)
      : row.categoryCode;
  return {
    service_request_id: row.trackingNo,
    status: open ? 'open' : 'closed',
    status_notes: statusLabels[row.status]?.[locale] ?? null,
    service_name: serviceName,
    service_code: row.categoryCode,
    // Sensitive categories: no free text at all. Others: masked, and within the spec's 4,000 characters.
    description: row.sensitive || !row.description ? null : maskContactDetails(row.description).slice(0, 4000),
    agency_responsible: department ? named(department, locale) : null,
    service_notice: open
      ? serviceNotice(locale, {
          department,
          acceptWithinMinutes: row.acceptWithinMinutes,
          resolveWithinMinutes: row.resolveWithinMinutes,
        })
      : null,
    requested_datetime: w3c(row.createdAt),
    updated_datetime: w3c(updated),
    expected_datetime: row.resolveDueAt ? w3c(row.resolveDueAt) : null,
    address: row.sensitive || !row.address ? null : maskContactDetails(row.address),
    address_id: null,
    zipcode: null,
    lat: place.lat,
    long: place.lon,
    // A photo can point at a household as surely as a pin: none for sensitive categories.
    media_url: row.photoId && !row.sensitive ? photoUrl(row.photoId) : null,
  };
}
