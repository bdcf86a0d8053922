/** Words of the e-certificate pages and documents, in zh-CN and en, and the masking of holders' names. */
import type { Locale } from '../../config.ts';

/** Why a credential was revoked: published in the revocation list (staff's own note never is). */
export const RevocationReasons = ['issued_in_error', 'superseded', 'holder_request', 'cancelled', 'other'] as const;
/** One of {@link RevocationReasons}. */
export type RevocationReason = (typeof RevocationReasons)[number];

/** The label of a revocation reason. */
export const revocationReasonLabels: Record<RevocationReason, Record<Locale, string>> = {
  issued_in_error: { 'zh-CN': '误签发', en: 'Issued in error' },
  superseded: { 'zh-CN': '已换发新证', en: 'Replaced by a new certificate' },
  holder_request: { 'zh-CN': '持证人申请注销', en: 'Cancelled at the holder’s request' },
  cancelled: { 'zh-CN': '依法撤销或吊销', en: 'Withdrawn by the authority' },
  other: { 'zh-CN': '其他原因', en: 'Other reason' },
};

/** The label of a reason code from a revocation list (an unknown code is shown as it is). */
export function reasonLabel(reason: string, locale: Locale): string {
  return (revocationReasonLabels as Record<string, Record<Locale, string>>)[reason]?.[locale] ?? reason;
}

/** Texts of the verification page, the certificate page and the PDF. */
export const texts = {
  'zh-CN': {
    verifyTitle: '电子证照核验',
    verifyIntro: '扫描证照上的二维码即可到达本页，核验结果以本页为准。',
    valid: '有效',
    validNote: '该电子证照由签发机关签名，签名有效且未被撤销。',
    revoked: '已撤销',
    revokedNote: '该电子证照已于 {date} 撤销，原因：{reason}。',
    expired: '已过期',
    expiredNote: '该电子证照的有效期已于 {date} 届满。',
    notYetValid: '尚未生效',
    notYetValidNote: '该电子证照自 {date} 起生效。',
    unknown: '无法识别',
    unknownNote: '未找到该电子证照，或其签名密钥已被撤回。请向出示人核实。',
    invalid: '核验未通过',
    invalidNote: '该电子证照的内容或签名已被改动，或格式不正确，不能作为有效证照。',
    type: '证照名称',
    issuer: '签发机关',
    holder: '持证人',
    validFrom: '生效日期',
    validUntil: '有效期至',
    noExpiry: '长期有效',
    issuedAt: '签发时间',
    credentialId: '证照编号',
    privacy: '为保护个人信息，本页仅显示核验所需的信息。',
    certificateTitle: '电子证照',
    scanToVerify: '扫码核验',
    fields: '证照信息',
    signedBy: '签名密钥',
    language: 'English',
  },
  en: {
    verifyTitle: 'E-certificate verification',
    verifyIntro: 'The QR code on a certificate leads to this page; what this page says is authoritative.',
    valid: 'Valid',
    validNote: 'The issuing authority signed this e-certificate; the signature holds and it has not been revoked.',
    revoked: 'Revoked',
    revokedNote: 'This e-certificate was revoked on {date}. Reason: {reason}.',
    expired: 'Expired',
    expiredNote: 'This e-certificate expired on {date}.',
    notYetValid: 'Not yet valid',
    notYetValidNote: 'This e-certificate is valid from {date}.',
    unknown: 'Unknown',
    unknownNote:
      'No such e-certificate was found, or the key that signed it has been withdrawn. Check with the person who showed it.',
    invalid: 'Verification failed',
    invalidNote:
      'The content or signature of this e-certificate has been altered, or it is not well-formed: it is not a valid certificate.',
    type: 'Certificate',
    issuer: 'Issued by',
    holder: 'Holder',
    validFrom: 'Valid from',
    validUntil: 'Valid until',
    noExpiry: 'No expiry',
    issuedAt: 'Issued',
    credentialId: 'Certificate number',
    privacy: 'To protect personal data, this page shows only what verification needs.',
    certificateTitle: 'E-certificate',
    scanToVerify: 'Scan to verify',
    fields: 'Details',
    signedBy: 'Signing key',
    language: '中文',
  },
} as const satisfies Record<Locale, Record<string, string>>;

/** A key of {@link texts}. */
export type TextKey = keyof (typeof texts)['en'];

/** A text in `locale` with `{placeholders}` filled (not escaped: callers escape for HTML). */
export function text(locale: Locale, key: TextKey, params: Record<string, string> = {}): string {
  return texts[locale][key].replace(/\{(\w+)\}/g, (m, name: string) => params[name] ?? m);
}

/**
 * A person's name as the public may see it: 张*明, 张*, 欧**明; Latin names keep each word's
 * first letter (J*** S****). Enterprise names are public register data and shown whole.
 */
export function maskHolderName(kind: 'citizen' | 'enterprise', name: string): string {
  const trimmed = name.trim();
  if (kind === 'enterprise') return trimmed;
  if (/^[\p{Script=Han}·•]+$/u.test(trimmed)) {
    const chars = [...trimmed];
    if (chars.length <= 1) return '*';
    if (chars.length === 2) return `${chars[0]}*`;
    return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
  }
  return trimmed
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => {
      const chars = [...word];
      return `${chars[0]}${'*'.repeat(Math.max(1, chars.length - 1))}`;
    })
    .join(' ');
}

/** A date (YYYY-MM-DD) in the city's time zone. */
export function formatDate(at: Date | string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(at),
  );
}

/** A date and time (YYYY-MM-DD HH:mm) in the city's time zone. */
export function formatDateTime(at: Date | string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
