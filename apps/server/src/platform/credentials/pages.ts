/**
 * The public verification page (what a certificate's QR code opens): valid, revoked with the
 * reason, expired, not yet valid, unknown, or altered — and only what a verifier needs: type,
 * issuing department, dates, the holder's masked name, the certificate number. Never an ID
 * number or contact details. Server-rendered, no script (the Content-Security-Policy forbids
 * it), zh-CN or en.
 */
import type { Locale } from '../../config.ts';
import { escapeHtml, formatDate, formatDateTime, reasonLabel, type TextKey, text } from './texts.ts';

/** What the page says about a credential. */
export type PageOutcome = 'valid' | 'revoked' | 'expired' | 'not_yet_valid' | 'unknown' | 'invalid';

/** The facts a verifier may see. */
export interface PublicDetails {
  id: string;
  typeName: { zh: string; en: string };
  issuer: { city: { zh: string; en: string }; department: { zh: string; en: string } };
  /** Already masked (张*明); enterprise names whole. */
  holderDisplay: string;
  validFrom: Date | string;
  validUntil: Date | string | null;
  issuedAt: Date | string;
  timeZone: string;
}

/** Everything the page shows. */
export interface VerificationPage {
  locale: Locale;
  outcome: PageOutcome;
  details: PublicDetails | null;
  revocation: { at: Date | string; reason: string } | null;
  /** This page's path, for the link to the other language. */
  path: string;
}

const HEADLINE: Record<PageOutcome, { title: TextKey; note: TextKey; tone: string }> = {
  valid: { title: 'valid', note: 'validNote', tone: 'ok' },
  revoked: { title: 'revoked', note: 'revokedNote', tone: 'bad' },
  expired: { title: 'expired', note: 'expiredNote', tone: 'warn' },
  not_yet_valid: { title: 'notYetValid', note: 'notYetValidNote', tone: 'warn' },
  unknown: { title: 'unknown', note: 'unknownNote', tone: 'muted' },
  invalid: { title: 'invalid', note: 'invalidNote', tone: 'bad' },
};

const STYLE = `body{font-family:system-ui,-apple-system,"Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f5f6f8;color:#1f1f1f;line-height:1.5}
main{max-width:34rem;margin:1.5rem auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.3rem;margin:0 0 .25rem}.intro,.note{color:#474747;font-size:.9rem}.lang{float:right;font-size:.9rem}
.status{margin:1rem 0;padding:1rem;border-radius:6px;border-left:6px solid}.status h2{margin:0 0 .25rem;font-size:1.5rem}
.ok{background:#e6f4ea;border-color:#137333}.ok h2{color:#0d652d}.bad{background:#fce8e6;border-color:#b3261e}.bad h2{color:#8c1d18}
.warn{background:#fef7e0;border-color:#b06000}.warn h2{color:#7a4100}.muted{background:#f1f3f4;border-color:#5f6368}.muted h2{color:#3c4043}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem;margin:1rem 0}dt{color:#474747}dd{margin:0;word-break:break-all}
a{color:#0b57d0}`;

/** The page as HTML. */
export function renderVerificationPage(page: VerificationPage): string {
  const { locale, outcome, details } = page;
  const t = (key: TextKey, params: Record<string, string> = {}) => escapeHtml(text(locale, key, params));
  const name = (n: { zh: string; en: string }) => (locale === 'en' ? n.en : n.zh);
  const head = HEADLINE[outcome];
  const tz = details?.timeZone ?? 'Asia/Shanghai';
  const noteParams: Record<string, string> = {};
  if (outcome === 'revoked' && page.revocation) {
    noteParams.date = formatDate(page.revocation.at, tz);
    noteParams.reason = reasonLabel(page.revocation.reason, locale);
  }
  if (outcome === 'expired' && details?.validUntil) noteParams.date = formatDate(details.validUntil, tz);
  if (outcome === 'not_yet_valid' && details) noteParams.date = formatDate(details.validFrom, tz);
  const rows: Array<[string, string]> = details
    ? [
        [t('type'), escapeHtml(name(details.typeName))],
        [t('issuer'), escapeHtml(`${name(details.issuer.city)} ${name(details.issuer.department)}`)],
        [t('holder'), escapeHtml(details.holderDisplay)],
        [t('validFrom'), escapeHtml(formatDate(details.validFrom, tz))],
        [t('validUntil'), details.validUntil ? escapeHtml(formatDate(details.validUntil, tz)) : t('noExpiry')],
        [t('issuedAt'), escapeHtml(formatDateTime(details.issuedAt, tz))],
        [t('credentialId'), `<code>${escapeHtml(details.id)}</code>`],
      ]
    : [];
  const other: Locale = locale === 'en' ? 'zh-CN' : 'en';
  const otherHref = `${page.path}?lang=${encodeURIComponent(other)}`;
  return `<!DOCTYPE html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${t(head.title)} · ${t('verifyTitle')}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<a class="lang" href="${escapeHtml(otherHref)}" hreflang="${other}" lang="${other}">${t('language')}</a>
<h1>${t('verifyTitle')}</h1>
<p class="intro">${t('verifyIntro')}</p>
<section class="status ${head.tone}" role="status" data-outcome="${outcome}">
<h2>${t(head.title)}</h2>
<p>${t(head.note, noteParams)}</p>
</section>
${rows.length ? `<dl>\n${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('\n')}\n</dl>` : ''}
<p class="note">${t('privacy')}</p>
</main>
</body>
</html>`;
}
