/**
 * The one catalog of error codes: each code has its HTTP status and its message in every
 * language OneCity speaks. Responses carry the code (stable, for programs) and the message
 * (for people). Placeholders `{name}` are filled from the error's params.
 */
import type { Locale } from '../../config.ts';

interface CatalogEntry {
  status: number;
  title: Record<Locale, string>;
}

/** Every error code the API can answer with. Add new codes here, never inline. */
export const errorCatalog = {
  VALIDATION_FAILED: {
    status: 400,
    title: { 'zh-CN': '请求内容有误，请检查后重试', en: 'The request is not valid; check it and try again' },
  },
  MALFORMED_JSON: {
    status: 400,
    title: { 'zh-CN': '请求体不是有效的 JSON', en: 'The request body is not valid JSON' },
  },
  BAD_REQUEST: {
    status: 400,
    title: { 'zh-CN': '无法处理该请求', en: 'The request cannot be processed' },
  },
  UNAUTHENTICATED: {
    status: 401,
    title: { 'zh-CN': '请先登录', en: 'Please sign in first' },
  },
  SESSION_EXPIRED: {
    status: 401,
    title: { 'zh-CN': '登录已过期，请重新登录', en: 'Your session has expired; please sign in again' },
  },
  SECOND_FACTOR_REQUIRED: {
    status: 403,
    title: {
      'zh-CN': '请先完成第二重身份验证（动态口令或通行密钥）',
      en: 'Complete the second factor (one-time password or passkey) first',
    },
  },
  PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    title: { 'zh-CN': '首次登录请先修改密码', en: 'Change your password before going on' },
  },
  CSRF_TOKEN_INVALID: {
    status: 403,
    title: {
      'zh-CN': '请求缺少有效的防伪令牌（X-CSRF-Token），请刷新页面后重试',
      en: 'The request lacks a valid anti-forgery token (X-CSRF-Token); reload the page and try again',
    },
  },
  API_KEY_INVALID: {
    status: 401,
    title: { 'zh-CN': 'API 密钥无效或已吊销', en: 'The API key is invalid or revoked' },
  },
  FORBIDDEN: {
    status: 403,
    title: { 'zh-CN': '您无权执行此操作', en: 'You are not allowed to do this' },
  },
  NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '找不到请求的资源', en: 'The requested resource was not found' },
  },
  ROUTE_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '没有这个接口：{method} {path}', en: 'No such endpoint: {method} {path}' },
  },
  CITY_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '没有编号为“{city}”的城市', en: 'There is no city with the id "{city}"' },
  },
  ZONE_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '本市没有编号为“{zone}”的区域', en: 'This city has no zone with the code "{zone}"' },
  },
  DEPARTMENT_NOT_FOUND: {
    status: 404,
    title: {
      'zh-CN': '本市没有编号为“{department}”的部门',
      en: 'This city has no department with the code "{department}"',
    },
  },
  INVALID_COORDINATES: {
    status: 400,
    title: {
      'zh-CN': '坐标无效：纬度须在 -90 至 90 之间，经度须在 -180 至 180 之间',
      en: 'Invalid coordinates: latitude must be within -90 to 90 and longitude within -180 to 180',
    },
  },
  INVALID_GEOMETRY: {
    status: 400,
    title: { 'zh-CN': '区域边界不是有效的 GeoJSON 多边形', en: 'The zone boundary is not a valid GeoJSON polygon' },
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    title: { 'zh-CN': '该接口不支持 {method} 方法', en: 'This endpoint does not accept {method}' },
  },
  NOT_ACCEPTABLE: {
    status: 406,
    title: { 'zh-CN': '无法以请求的格式回答', en: 'Cannot answer in the requested format' },
  },
  IDEMPOTENCY_KEY_IN_USE: {
    status: 409,
    title: {
      'zh-CN': '使用同一幂等键的请求仍在处理中，请稍后重试',
      en: 'A request with the same Idempotency-Key is still being processed; retry shortly',
    },
  },
  CONFLICT: {
    status: 409,
    title: { 'zh-CN': '与当前状态冲突', en: 'This conflicts with the current state' },
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    title: {
      'zh-CN': '请求体过大，上限为 {limit} 字节',
      en: 'The request body is too large; the limit is {limit} bytes',
    },
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: { 'zh-CN': '不支持的内容类型：{contentType}', en: 'Unsupported content type: {contentType}' },
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: {
      'zh-CN': '该幂等键已用于另一个不同的请求',
      en: 'This Idempotency-Key was already used for a different request',
    },
  },
  IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    title: {
      'zh-CN': '幂等键须为 1 至 255 个可见 ASCII 字符',
      en: 'An Idempotency-Key must be 1 to 255 visible ASCII characters',
    },
  },
  RATE_LIMITED: {
    status: 429,
    title: { 'zh-CN': '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' },
  },
  INTERNAL: {
    status: 500,
    title: { 'zh-CN': '服务器内部错误，我们已记录此问题', en: 'Internal server error; it has been logged' },
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    title: { 'zh-CN': '服务暂时不可用，请稍后重试', en: 'The service is temporarily unavailable; try again shortly' },
  },
} as const satisfies Record<string, CatalogEntry>;

/** A stable error code from {@link errorCatalog}. */
export type ErrorCode = keyof typeof errorCatalog;

/** One problem with one field of the input, already in the request's language. */
export interface FieldError {
  /** JSON pointer-like path, e.g. `body.location.lat`. */
  field: string;
  message: string;
}

/** The error every handler throws: a catalog code plus the values its message mentions. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly params: Record<string, string | number>;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;
  constructor(
    code: ErrorCode,
    params: Record<string, string | number> = {},
    options: { errors?: FieldError[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(code, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.params = params;
    this.errors = options.errors;
    this.headers = options.headers;
  }
  get status(): number {
    return errorCatalog[this.code].status;
  }
}

/** The catalog message for `code` in `locale`, with `{placeholders}` filled. */
export function errorMessage(code: ErrorCode, locale: Locale, params: Record<string, string | number> = {}): string {
  return errorCatalog[code].title[locale].replace(/\{(\w+)\}/g, (m, name: string) =>
    name in params ? String(params[name]) : m,
  );
}
