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
  JSON_TOO_DEEP: {
    status: 400,
    title: {
      'zh-CN': '请求体的 JSON 嵌套超过 {limit} 层',
      en: 'The request body nests JSON more than {limit} levels deep',
    },
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
  REPORT_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '找不到编号为“{report}”的事件', en: 'There is no report "{report}"' },
  },
  WORK_ORDER_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '找不到该工单', en: 'There is no such work order' },
  },
  WORK_ORDER_ACTION_NOT_ALLOWED: {
    status: 409,
    title: {
      'zh-CN': '工单当前状态为“{status}”，不能执行“{action}”；您现在可以执行：{allowed}',
      en: 'The work order is "{status}": "{action}" is not possible; you can now: {allowed}',
    },
  },
  WORK_ORDER_CHANGED: {
    status: 409,
    title: {
      'zh-CN': '工单已被他人更新，请刷新后重试',
      en: 'Someone else changed the work order; reload it and try again',
    },
  },
  REOPEN_WINDOW_PASSED: {
    status: 409,
    title: {
      'zh-CN': '办结已超过 7 天，不能再申请重办；请重新上报',
      en: 'It was resolved more than 7 days ago and can no longer be reopened; please report it again',
    },
  },
  ALREADY_RATED: {
    status: 409,
    title: { 'zh-CN': '您已评价过该事件', en: 'You have already rated this report' },
  },
  ESCALATION_AT_TOP: {
    status: 409,
    title: {
      'zh-CN': '该工单已升级至城市运行管理中心，不能再升级',
      en: 'The work order is already escalated to the operations centre',
    },
  },
  TRANSFER_TO_SAME_DEPARTMENT: {
    status: 409,
    title: {
      'zh-CN': '工单已在该部门，请选择其他部门转办',
      en: 'The work order is already with that department; choose another one to transfer it to',
    },
  },
  REPORT_CATEGORY_REQUIRED: {
    status: 400,
    title: {
      'zh-CN': '无法从描述确定事件类别，请选择一个类别',
      en: 'The category cannot be told from the description; please choose one',
    },
  },
  REPORT_ATTRIBUTE_INVALID: {
    status: 400,
    title: {
      'zh-CN': '补充信息“{attribute}”缺失或格式不对',
      en: 'The extra detail "{attribute}" is missing or not valid',
    },
  },
  ASSIGNEE_NOT_FOUND: {
    status: 400,
    title: {
      'zh-CN': '指派对象不是本部门的在岗人员',
      en: 'The assignee is not an active member of this department',
    },
  },
  PHOTO_REQUIRED: {
    status: 400,
    title: { 'zh-CN': '办结时请上传处置后的照片', en: 'Resolving needs a photo of the result' },
  },
  NOT_A_DUPLICATE: {
    status: 409,
    title: {
      'zh-CN': '该事件没有被合并或关联到其他工单',
      en: 'This report is not merged into or linked to another work order',
    },
  },
  FOLLOW_UP_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '找不到该整改跟进', en: 'There is no such follow-up' },
  },
  BBOX_INVALID: {
    status: 400,
    title: {
      'zh-CN': '范围参数 bbox 应为“最小经度,最小纬度,最大经度,最大纬度”，且最小值不大于最大值',
      en: 'bbox must be minLon,minLat,maxLon,maxLat (WGS 84), each minimum not above its maximum',
    },
  },
  LIVE_STREAMS_EXCEEDED: {
    status: 429,
    title: {
      'zh-CN': '实时更新的连接过多（每人最多 {max} 个），请关闭其他窗口后重试',
      en: 'Too many live update connections (at most {max} per person); close another window and try again',
    },
  },
  // Open311 GeoReport v2 (modules/governance/open311).
  OPEN311_FORMAT_UNSUPPORTED: {
    status: 404,
    title: {
      'zh-CN': 'Open311 接口没有“{format}”格式，请使用 .json 或 .xml',
      en: 'Open311 has no format "{format}"; use .json or .xml',
    },
  },
  OPEN311_JURISDICTION_REQUIRED: {
    status: 400,
    title: {
      'zh-CN': '请提供 jurisdiction_id（城市编号），可选：{cities}',
      en: 'jurisdiction_id (the city id) is required; one of: {cities}',
    },
  },
  OPEN311_API_KEY_REQUIRED: {
    status: 403,
    title: {
      'zh-CN': '提交服务请求需要 api_key',
      en: 'api_key is required to submit a service request',
    },
  },
  OPEN311_API_KEY_SCOPE: {
    status: 403,
    title: {
      'zh-CN': '该 API 密钥没有提交服务请求的权限（须带有 {scope}）',
      en: 'This API key may not submit service requests (it needs the scope {scope})',
    },
  },
  OPEN311_API_KEY_JURISDICTION: {
    status: 403,
    title: {
      'zh-CN': '该 API 密钥不属于城市“{city}”',
      en: 'This API key does not belong to the city "{city}"',
    },
  },
  OPEN311_FIELD_REQUIRED: {
    status: 400,
    title: { 'zh-CN': '缺少 {field}', en: '{field} is required' },
  },
  OPEN311_FIELD_INVALID: {
    status: 400,
    title: { 'zh-CN': '{field} 的值无效', en: 'The value of {field} is not valid' },
  },
  OPEN311_TEXT_TOO_LONG: {
    status: 400,
    title: { 'zh-CN': '{field} 最多 {max} 个字符', en: '{field} may have at most {max} characters' },
  },
  OPEN311_LIST_TOO_LONG: {
    status: 400,
    title: { 'zh-CN': '{field} 最多列出 {max} 项', en: '{field} may list at most {max} items' },
  },
  OPEN311_LOCATION_REQUIRED: {
    status: 400,
    title: {
      'zh-CN': '请提供 lat 和 long：OneCity 需要在地图上定位每个请求，不解析 address_string 或 address_id',
      en: 'lat and long are required: OneCity places every request on the map and does not geocode address_string or address_id',
    },
  },
  OPEN311_DATE_INVALID: {
    status: 400,
    title: {
      'zh-CN': '{field} 须为带时区的 W3C 日期时间，例如 2026-06-01T00:00:00+08:00',
      en: '{field} must be a W3C date-time with a time zone, e.g. 2026-06-01T00:00:00Z',
    },
  },
  OPEN311_DATE_RANGE_INVALID: {
    status: 400,
    title: {
      'zh-CN': 'start_date 须早于 end_date，且时间范围不超过 {days} 天',
      en: 'start_date must come before end_date, and the range may span at most {days} days',
    },
  },
  REPORT_CATEGORY_NOT_FOUND: {
    status: 404,
    title: {
      'zh-CN': '本市没有编号为“{category}”的可用事件类别',
      en: 'This city has no report category with the code "{category}" in use',
    },
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
  URI_TOO_LONG: {
    status: 414,
    title: { 'zh-CN': '请求地址中的参数过长', en: 'A parameter in the request URL is too long' },
  },
  BAD_URL: {
    status: 400,
    title: { 'zh-CN': '请求地址无效', en: 'The request URL is not valid' },
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
  IDEMPOTENCY_KEY_ANSWER_LOST: {
    status: 409,
    title: {
      'zh-CN': '使用同一幂等键的请求已经办理，但其答复未能保存；请勿重试，请查看办理结果',
      en: 'The request with this Idempotency-Key was carried out, but its answer was lost; do not retry, look up the result',
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
  // Staff accounts, API keys, enterprises, staff reading citizens' data.
  SIGN_IN_FAILED: {
    status: 401,
    title: { 'zh-CN': '用户名或密码不正确', en: 'The user name or password is not correct' },
  },
  ACCOUNT_LOCKED: {
    status: 423,
    title: {
      'zh-CN': '验证失败次数过多，账户已暂时锁定，请 {minutes} 分钟后再试',
      en: 'Too many failed attempts: the account is locked; try again in {minutes} minutes',
    },
  },
  PASSWORD_INCORRECT: {
    status: 400,
    title: { 'zh-CN': '当前密码不正确', en: 'The current password is not correct' },
  },
  PASSWORD_TOO_WEAK: {
    status: 400,
    title: {
      'zh-CN': '新密码至少需要 {min} 个字符，且不能与用户名或当前密码相同',
      en: 'The new password needs at least {min} characters and must differ from the user name and the current password',
    },
  },
  TOTP_CODE_INVALID: {
    status: 400,
    title: {
      'zh-CN': '动态口令不正确或已使用过，请输入验证器中的最新口令',
      en: 'The one-time code is wrong or was already used; enter the latest code from your authenticator',
    },
  },
  TOTP_NOT_ENROLLED: {
    status: 409,
    title: { 'zh-CN': '尚未绑定动态口令验证器，请先绑定', en: 'No authenticator is set up yet; set one up first' },
  },
  TOTP_ALREADY_ENROLLED: {
    status: 409,
    title: {
      'zh-CN': '已绑定动态口令验证器；如需更换，请联系管理员重置',
      en: 'An authenticator is already set up; ask an administrator to reset it to change it',
    },
  },
  USERNAME_TAKEN: {
    status: 409,
    title: { 'zh-CN': '用户名“{username}”已被使用', en: 'The user name "{username}" is already taken' },
  },
  USCC_INVALID: {
    status: 400,
    title: {
      'zh-CN': '统一社会信用代码无效：须为 18 位且校验位正确',
      en: 'The unified social credit code is not valid: it needs 18 characters and a correct check character',
    },
  },
  ENTERPRISE_EXISTS: {
    status: 409,
    title: {
      'zh-CN': '该统一社会信用代码的企业已登记',
      en: 'An enterprise with this unified social credit code is already registered',
    },
  },
  ENTERPRISE_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '找不到该企业', en: 'The enterprise was not found' },
  },
  NOT_ENTERPRISE_MEMBER: {
    status: 403,
    title: { 'zh-CN': '您不是该企业的成员', en: 'You are not a member of this enterprise' },
  },
  ENTERPRISE_ROLE_REQUIRED: {
    status: 403,
    title: {
      'zh-CN': '只有企业的法定代表人或管理员可以管理成员',
      en: "Only the enterprise's legal representative or an administrator can manage its members",
    },
  },
  LEGAL_REP_CANNOT_CHANGE: {
    status: 409,
    title: {
      'zh-CN': '法定代表人不能被移除或更改角色',
      en: 'The legal representative cannot be removed or given another role',
    },
  },
  CITIZEN_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '找不到该市民', en: 'The citizen was not found' },
  },
  API_KEY_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '找不到该 API 密钥，或已吊销', en: 'The API key was not found or is already revoked' },
  },
  // Citizens: one-time codes, passkeys, profile, consent.
  OTP_INVALID: {
    status: 400,
    title: {
      'zh-CN': '验证码不正确或已使用，请检查后重试或重新获取',
      en: 'The code is wrong or was already used; check it or ask for a new one',
    },
  },
  OTP_EXPIRED: {
    status: 400,
    title: { 'zh-CN': '验证码已过期，请重新获取', en: 'The code has expired; ask for a new one' },
  },
  OTP_ATTEMPTS_EXHAUSTED: {
    status: 429,
    title: {
      'zh-CN': '验证码输错次数过多，已失效，请重新获取',
      en: 'Too many wrong tries: this code no longer works; ask for a new one',
    },
  },
  OTP_DELIVERY_UNAVAILABLE: {
    status: 503,
    title: {
      'zh-CN': '短信和邮件发送服务尚未配置，暂时无法发送验证码',
      en: 'No SMS or e-mail provider is configured, so codes cannot be sent',
    },
  },
  CONTACT_VERIFICATION_REQUIRED: {
    status: 400,
    title: {
      'zh-CN': '更换手机号或邮箱须填写发送到新号码或新邮箱的验证码',
      en: 'Changing the phone number or e-mail address needs the code sent to the new one',
    },
  },
  NATIONAL_ID_INVALID: {
    status: 400,
    title: {
      'zh-CN': '身份证号码无效：须为 18 位且出生日期和校验位正确',
      en: 'Invalid national ID number: it needs 18 characters with a valid birth date and check digit',
    },
  },
  PHONE_INVALID: {
    status: 400,
    title: { 'zh-CN': '请输入有效的 11 位手机号码', en: 'Enter a valid 11-digit mobile number' },
  },
  EMAIL_INVALID: {
    status: 400,
    title: { 'zh-CN': '请输入有效的电子邮箱地址', en: 'Enter a valid e-mail address' },
  },
  IDENTIFIER_IN_USE: {
    status: 409,
    title: {
      'zh-CN': '该身份证号码、手机号码或电子邮箱已被另一个账户使用',
      en: 'This national ID number, phone number or e-mail address is already used by another account',
    },
  },
  PASSKEY_VERIFICATION_FAILED: {
    status: 400,
    title: {
      'zh-CN': '通行密钥验证失败，请重试',
      en: 'The passkey could not be verified; try again',
    },
  },
  PASSKEY_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '找不到该通行密钥', en: 'No such passkey' },
  },
  CONSENT_REQUIRED: {
    status: 403,
    title: {
      'zh-CN': '请先阅读并同意“{kind}”告知书的最新版本',
      en: 'Read and agree to the latest "{kind}" notice first',
    },
  },
  PRIVACY_NOTICE_NOT_FOUND: {
    status: 404,
    title: {
      'zh-CN': '没有第 {version} 版“{kind}”告知书',
      en: 'There is no version {version} of the "{kind}" notice',
    },
  },
  OIDC_REDIRECT_URI_INVALID: {
    status: 400,
    title: {
      'zh-CN': '回调地址“{uri}”无效：须为不含片段的 https 地址（本机开发可用 http://localhost）',
      en: 'The redirect URI "{uri}" is not valid: it must be an https URL without a fragment (http://localhost for development)',
    },
  },
  // Files: photos citizens and staff upload.
  FILE_EMPTY: {
    status: 400,
    title: {
      'zh-CN': '上传内容为空：请把图片文件本身作为请求体发送',
      en: 'The upload is empty: send the image file itself as the request body',
    },
  },
  FILE_TOO_LARGE: {
    status: 413,
    title: { 'zh-CN': '文件过大，上限为 {limit}', en: 'The file is too large; the limit is {limit}' },
  },
  FILE_TYPE_NOT_ALLOWED: {
    status: 415,
    title: {
      'zh-CN': '只能上传 {allowed} 格式的图片',
      en: 'Only {allowed} images can be uploaded',
    },
  },
  HEIC_NOT_SUPPORTED: {
    status: 415,
    title: {
      'zh-CN':
        '暂不支持 HEIC/HEIF 格式的照片，请改为上传 {allowed} 格式（iPhone 可在“设置 > 相机 > 格式”中选择“兼容性最佳”）',
      en: 'HEIC/HEIF photos cannot be read here; upload a {allowed} image instead (on an iPhone: Settings > Camera > Formats > Most Compatible)',
    },
  },
  IMAGE_TOO_MANY_PIXELS: {
    status: 413,
    title: {
      'zh-CN': '图片像素过多，上限为 {limit} 百万像素',
      en: 'The image has too many pixels; the limit is {limit} megapixels',
    },
  },
  IMAGE_UNREADABLE: {
    status: 400,
    title: {
      'zh-CN': '无法读取该图片，文件可能已损坏或不完整，请重新拍摄或选择',
      en: 'The image cannot be read; the file may be damaged or incomplete. Take or choose it again',
    },
  },
  FILE_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '找不到该文件', en: 'The file was not found' },
  },
  FILE_ALREADY_ATTACHED: {
    status: 409,
    title: {
      'zh-CN': '该文件已被使用，不能再次附加',
      en: 'This file is already attached to something and cannot be attached again',
    },
  },
  INTERNAL: {
    status: 500,
    title: { 'zh-CN': '服务器内部错误，我们已记录此问题', en: 'Internal server error; it has been logged' },
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    title: { 'zh-CN': '服务暂时不可用，请稍后重试', en: 'The service is temporarily unavailable; try again shortly' },
  },
  OVERLOADED: {
    status: 503,
    title: {
      'zh-CN': '当前访问人数过多，请稍后重试',
      en: 'Too many people are using the service right now; try again shortly',
    },
  },
  // Digital government: the service catalog.
  GOV_SERVICE_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '未找到政务服务事项“{service}”', en: 'No government service "{service}"' },
  },
  GOV_SERVICE_SPEC_INVALID: {
    status: 400,
    title: {
      'zh-CN': '政务服务事项的内容有误，请按 errors 中列出的问题修改',
      en: 'The service definition is not valid; fix the problems listed in errors',
    },
  },
  GOV_SERVICE_CODE_MISMATCH: {
    status: 400,
    title: {
      'zh-CN': '请求地址中的事项编码“{path}”与内容中的编码“{body}”不一致',
      en: 'The service code in the address ("{path}") differs from the one in the body ("{body}")',
    },
  },
  GOV_BUNDLE_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '未找到“一件事”主题服务“{bundle}”', en: 'No one-go bundle "{bundle}"' },
  },
  GOV_APPLICATION_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '未找到该办件', en: 'No such application' },
  },
  GOV_SERVICE_OFFLINE_ONLY: {
    status: 409,
    title: {
      'zh-CN': '该事项暂不支持网上申请，请到服务窗口办理',
      en: 'This service cannot be applied for online yet; apply at a service counter',
    },
  },
  GOV_APPLICATION_NOT_EDITABLE: {
    status: 409,
    title: {
      'zh-CN': '办件当前状态为“{status}”，不能修改',
      en: 'The application is "{status}" and can no longer be changed',
    },
  },
  GOV_APPLICATION_INCOMPLETE: {
    status: 400,
    title: {
      'zh-CN': '办件还不完整，请按 errors 中列出的问题补充后再提交',
      en: 'The application is not complete; fix what errors lists, then submit',
    },
  },
  GOV_MATERIAL_UNKNOWN: {
    status: 400,
    title: { 'zh-CN': '该事项没有“{material}”这项材料', en: 'The service asks for no material "{material}"' },
  },
  GOV_MATERIAL_HELD: {
    status: 409,
    title: {
      'zh-CN': '“{material}”政府已经掌握，已自动关联，无需上传',
      en: '"{material}" is already held by the city and attached for you; there is nothing to upload',
    },
  },
  GOV_FEE_UNPAID: {
    status: 409,
    title: {
      'zh-CN': '请先缴纳费用（{amount} 元）再提交',
      en: 'Pay the fee (CNY {amount}) before submitting',
    },
  },
  GOV_APPLICATION_NOT_FINISHED: {
    status: 409,
    title: {
      'zh-CN': '办件办结后才能评价（当前状态：“{status}”）',
      en: 'An application can be rated once it is finished (it is "{status}")',
    },
  },
  GOV_ALREADY_RATED: {
    status: 409,
    title: { 'zh-CN': '您已评价过该办件', en: 'You have already rated this application' },
  },
  GOV_NOTHING_TO_PAY: {
    status: 409,
    title: { 'zh-CN': '该办件无需缴费或已缴费', en: 'There is nothing to pay for this application' },
  },
  GOV_NOT_RATED: {
    status: 404,
    title: { 'zh-CN': '该办件还没有评价', en: 'This application has not been rated yet' },
  },
  GOV_RECTIFICATION_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '未找到该整改任务', en: 'No such rectification task' },
  },
  GOV_RECTIFICATION_DONE: {
    status: 409,
    title: { 'zh-CN': '该整改任务已办结', en: 'This rectification task is already done' },
  },
  GOV_NOT_YOUR_DEPARTMENT: {
    status: 403,
    title: {
      'zh-CN': '该事项由其他部门负责，您只能管理本部门的事项',
      en: 'Another department owns this service; you can manage only your own department’s services',
    },
  },
  // Workflow engine (platform/workflow): definitions, instances, tasks.
  WORKFLOW_DEFINITION_NOT_FOUND: {
    status: 404,
    title: {
      'zh-CN': '本市没有编码为“{definition}”的流程定义',
      en: 'This city has no workflow definition "{definition}"',
    },
  },
  WORKFLOW_DEFINITION_INVALID: {
    status: 400,
    title: {
      'zh-CN': '流程定义有误，请按 errors 中列出的问题修改',
      en: 'The workflow definition is not valid; fix the problems listed in errors',
    },
  },
  WORKFLOW_DEPARTMENT_UNRESOLVED: {
    status: 400,
    title: {
      'zh-CN': '无法确定环节“{step}”的办理部门（{department}）',
      en: 'The department of step "{step}" ({department}) cannot be determined',
    },
  },
  WORKFLOW_DEPARTMENT_NOT_FOUND: {
    status: 400,
    title: { 'zh-CN': '本市没有编号为“{department}”的部门', en: 'This city has no department "{department}"' },
  },
  WORKFLOW_LIMITS_INVALID: {
    status: 400,
    title: {
      'zh-CN': '办结时限须为非负整数个工作日，且承诺时限不超过法定时限',
      en: 'Time limits are whole numbers of working days, and the promised limit is not above the legal one',
    },
  },
  WORKFLOW_INSTANCE_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '找不到该办件流程', en: 'There is no such workflow instance' },
  },
  WORKFLOW_TASK_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '找不到该待办环节', en: 'There is no such task' },
  },
  WORKFLOW_ACTION_NOT_ALLOWED: {
    status: 409,
    title: {
      'zh-CN': '当前状态为“{status}”，不能执行“{action}”；您现在可以执行：{allowed}',
      en: 'The current status is "{status}": "{action}" is not possible; you can now: {allowed}',
    },
  },
  WORKFLOW_NOT_YOUR_TASK: {
    status: 403,
    title: {
      'zh-CN': '该环节须由承办部门中具有相应岗位角色的工作人员办理',
      en: 'This step is for staff of the responsible department who hold the step’s role',
    },
  },
  WORKFLOW_NOT_APPLICANT: {
    status: 403,
    title: { 'zh-CN': '只有申请人本人可以执行此操作', en: 'Only the applicant can do this' },
  },
  WORKFLOW_CHANGED: {
    status: 409,
    title: {
      'zh-CN': '办件已被他人更新，请刷新后重试',
      en: 'Someone else changed this case; reload it and try again',
    },
  },
  WORKFLOW_REASON_REQUIRED: {
    status: 400,
    title: { 'zh-CN': '请填写“{action}”的理由', en: 'Give a reason to {action}' },
  },
  WORKFLOW_MATERIALS_REQUIRED: {
    status: 400,
    title: {
      'zh-CN': '一次性告知补正须写明说明，并列出需要补正的材料（至多 {max} 项）',
      en: 'A request for more material needs a message and the list of what is needed (at most {max} items)',
    },
  },
  WORKFLOW_TEXT_TOO_LONG: {
    status: 400,
    title: { 'zh-CN': '{field} 最多 {max} 个字符', en: '{field} may have at most {max} characters' },
  },
  WORKFLOW_TRANSFER_SAME_DEPARTMENT: {
    status: 409,
    title: {
      'zh-CN': '该环节已在该部门，请选择其他部门转办',
      en: 'The task is already with that department; choose another one to transfer it to',
    },
  },
  // Search (platform/search): queries, filters, indexed documents, a city's synonyms.
  SEARCH_QUERY_TOO_LONG: {
    status: 400,
    title: { 'zh-CN': '搜索内容太长，最多 {max} 个字', en: 'The search text is too long: at most {max} characters' },
  },
  SEARCH_FACET_UNKNOWN: {
    status: 400,
    title: { 'zh-CN': '没有名为“{facet}”的筛选项', en: 'There is no facet "{facet}" to filter or count by' },
  },
  SEARCH_FILTER_TOO_MANY: {
    status: 400,
    title: {
      'zh-CN': '筛选项“{facet}”最多可选 {max} 个值',
      en: 'At most {max} values can be chosen for the facet "{facet}"',
    },
  },
  SEARCH_FILTER_VALUE_INVALID: {
    status: 400,
    title: {
      'zh-CN': '筛选项“{facet}”的值无效（不能为空、含控制字符或超过 {max} 个字）',
      en: 'A value of the facet "{facet}" is not valid (empty, with control characters, or over {max} characters)',
    },
  },
  SEARCH_PAGE_OUT_OF_RANGE: {
    status: 400,
    title: {
      'zh-CN': '页码须为正整数、每页 1 至 {maxPageSize} 条，且只能翻看前 {maxResults} 条结果',
      en: 'Pages are whole numbers from 1, of 1 to {maxPageSize} results, within the first {maxResults} results',
    },
  },
  SEARCH_DOCUMENT_INVALID: {
    status: 400,
    title: {
      'zh-CN': '待索引文档“{id}”的“{field}”无效',
      en: 'The field "{field}" of the document "{id}" to index is not valid',
    },
  },
  SEARCH_SYNONYMS_INVALID: {
    status: 400,
    title: {
      'zh-CN': '同义词组须有 {min} 至 {max} 个不同的词，每个词 1 至 {chars} 个字且含文字或数字',
      en: 'A synonym set needs {min} to {max} different terms of 1 to {chars} characters, each with a letter or digit',
    },
  },
  SEARCH_SYNONYM_SETS_LIMIT: {
    status: 409,
    title: {
      'zh-CN': '本市的同义词组已达上限 {max} 组，请先删除不用的词组',
      en: 'The city already has the most synonym sets allowed ({max}); delete one first',
    },
  },
  SEARCH_SYNONYM_SET_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '找不到该同义词组', en: 'The synonym set was not found' },
  },
  // Payments (platform/payments): fees paid through a payment provider, its notifications, refunds.
  PAYMENT_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '找不到该笔支付', en: 'There is no such payment' },
  },
  PAYMENT_PROVIDER_UNAVAILABLE: {
    status: 503,
    title: {
      'zh-CN': '尚未配置支付渠道，暂时无法缴费',
      en: 'No payment provider is configured, so fees cannot be paid for now',
    },
  },
  PAYMENT_PROVIDER_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '没有启用名为“{provider}”的支付渠道', en: 'No payment provider "{provider}" is enabled' },
  },
  PAYMENT_PROVIDER_FAILED: {
    status: 502,
    title: {
      'zh-CN': '支付渠道“{provider}”未能完成该操作，请稍后重试',
      en: 'The payment provider "{provider}" could not complete this; try again later',
    },
  },
  PAYMENT_NOTIFICATION_INVALID: {
    status: 400,
    title: {
      'zh-CN': '支付结果通知的签名或内容无效，未作任何处理',
      en: 'The payment notification has an invalid signature or content; nothing was changed',
    },
  },
  PAYMENT_ALREADY_PAID: {
    status: 409,
    title: { 'zh-CN': '该事项已缴费，无需重复缴费', en: 'This has already been paid for' },
  },
  PAYMENT_OPEN_DIFFERS: {
    status: 409,
    title: {
      'zh-CN': '该事项已有一笔金额或付款人不同的待支付订单，请先取消该订单',
      en: 'There is already an open payment for this with another amount or payer; cancel it first',
    },
  },
  PAYMENT_STATUS_CONFLICT: {
    status: 409,
    title: {
      'zh-CN': '该笔支付当前状态为“{status}”，不能{action}',
      en: 'The payment is {status}: it cannot be {action}',
    },
  },
  PAYMENT_REFUND_REASON_REQUIRED: {
    status: 400,
    title: { 'zh-CN': '退款须填写原因', en: 'A refund needs a reason' },
  },
  // E-certificates (platform/credentials): issuing, revocation, signing keys.
  CREDENTIAL_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '未找到电子证照 {id}', en: 'E-certificate {id} was not found' },
  },
  CREDENTIAL_ALREADY_REVOKED: {
    status: 409,
    title: { 'zh-CN': '电子证照 {id} 已被撤销', en: 'E-certificate {id} has already been revoked' },
  },
  CREDENTIAL_ISSUE_INVALID: {
    status: 422,
    title: { 'zh-CN': '无法签发电子证照：{detail}', en: 'The e-certificate cannot be issued: {detail}' },
  },
  CREDENTIAL_KEY_NOT_FOUND: {
    status: 404,
    title: { 'zh-CN': '该城市没有签名密钥 {kid}', en: 'The city has no signing key {kid}' },
  },
  CREDENTIAL_KEY_WITHDRAWN: {
    status: 409,
    title: { 'zh-CN': '签名密钥 {kid} 已被撤回', en: 'Signing key {kid} has already been withdrawn' },
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
  readonly params: ErrorParams;
  /** Machine-readable members added to the problem (e.g. the current status and allowed actions of a 409). */
  readonly extensions: Record<string, unknown> | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;
  constructor(
    code: ErrorCode,
    params: ErrorParams = {},
    options: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      cause?: unknown;
      extensions?: Record<string, unknown>;
    } = {},
  ) {
    super(code, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.params = params;
    this.errors = options.errors;
    this.headers = options.headers;
    this.extensions = options.extensions;
  }
  get status(): number {
    return errorCatalog[this.code].status;
  }
}

/** The catalog message for `code` in `locale`, with `{placeholders}` filled. */
export function errorMessage(code: ErrorCode, locale: Locale, params: ErrorParams = {}): string {
  return errorCatalog[code].title[locale].replace(/\{(\w+)\}/g, (m, name: string) => {
    const value = params[name];
    if (value === undefined) return m;
    return typeof value === 'object' ? value[locale] : String(value);
  });
}

/** Values for a message's placeholders: plain, or one text per language (a status name, a list of actions). */
export type ErrorParams = Record<string, string | number | Record<Locale, string>>;
