/**
 * The provider's server-rendered pages (consent, "sign in first", errors) in zh-CN and en.
 * No script anywhere (the Content-Security-Policy forbids it): plain forms and links.
 */
import type { Locale } from '../../../config.ts';

const messages = {
  'zh-CN': {
    consentTitle: '使用 OneCity 账号登录',
    consentIntro: '“{client}”请求使用您的 OneCity 账号登录，并获取以下信息：',
    claimSub: '账号标识（仅对该应用有效，与其他应用不同）',
    claimName: '姓名：{value}',
    claimPhone: '手机号码：{value}',
    claimEmail: '电子邮箱：{value}',
    notProvided: '未填写',
    neverShared: 'OneCity 不会向该应用提供您的身份证号码。',
    returnTo: '授权后将返回：{host}',
    recorded: '您的选择会记录在审计日志中。',
    allow: '同意并登录',
    deny: '拒绝',
    signInTitle: '请先登录 OneCity',
    signInIntro: '“{client}”请求使用您的 OneCity 账号登录。请先在本浏览器中登录 OneCity，然后回到此页面继续。',
    signInLink: '前往 OneCity 登录',
    continueLink: '我已登录，继续',
    errorTitle: '无法完成登录',
    errorIntro: '登录请求无效或已过期。请返回原应用重新发起登录。',
    errorCode: '错误代码：{code}',
  },
  en: {
    consentTitle: 'Sign in with OneCity',
    consentIntro: '“{client}” wants to sign you in with your OneCity account and receive:',
    claimSub: 'An account identifier (valid for this application only, different for every application)',
    claimName: 'Name: {value}',
    claimPhone: 'Mobile number: {value}',
    claimEmail: 'E-mail address: {value}',
    notProvided: 'not provided',
    neverShared: 'OneCity never gives this application your national ID number.',
    returnTo: 'You will return to: {host}',
    recorded: 'Your choice is recorded in the audit log.',
    allow: 'Allow and sign in',
    deny: 'Deny',
    signInTitle: 'Sign in to OneCity first',
    signInIntro:
      '“{client}” wants to sign you in with your OneCity account. Sign in to OneCity in this browser first, then come back to this page to continue.',
    signInLink: 'Sign in to OneCity',
    continueLink: 'I have signed in, continue',
    errorTitle: 'Sign-in could not be completed',
    errorIntro: 'The sign-in request is invalid or has expired. Go back to the application and start again.',
    errorCode: 'Error code: {code}',
  },
} as const satisfies Record<Locale, Record<string, string>>;

type MessageKey = keyof (typeof messages)['en'];

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** A message in `locale`, placeholders filled and HTML-escaped. */
function t(locale: Locale, key: MessageKey, params: Record<string, string> = {}): string {
  return escapeHtml(messages[locale][key]).replace(/\{(\w+)\}/g, (m, name: string) =>
    name in params ? escapeHtml(params[name] ?? '') : m,
  );
}

const STYLE = `body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f5f6f8;color:#1f1f1f}
main{max-width:30rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.35rem;margin:0 0 1rem}ul{padding-left:1.2rem}li{margin:.4rem 0}.note{color:#474747;font-size:.9rem}
.actions{display:flex;gap:.75rem;margin-top:1.5rem}button,.button{font-size:1rem;padding:.65rem 1.2rem;border-radius:6px;border:1px solid #0b57d0;cursor:pointer;text-decoration:none}
.primary{background:#0b57d0;color:#fff}.secondary{background:#fff;color:#0b57d0}`;

function layout(locale: Locale, title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}

/** What the consent page shows about the data to be shared (values already masked). */
export interface ConsentView {
  clientName: string;
  redirectHost: string;
  scopes: string[];
  name: string | null;
  maskedPhone: string | null;
  maskedEmail: string | null;
  csrfToken: string;
  action: string;
}

/** The consent page: the client, the claims each requested scope releases, Allow / Deny. */
export function consentPage(locale: Locale, view: ConsentView): string {
  const missing: string = messages[locale].notProvided;
  const items: string[] = [];
  for (const scope of view.scopes) {
    if (scope === 'openid') items.push(t(locale, 'claimSub'));
    if (scope === 'profile') items.push(t(locale, 'claimName', { value: view.name ?? missing }));
    if (scope === 'phone') items.push(t(locale, 'claimPhone', { value: view.maskedPhone ?? missing }));
    if (scope === 'email') items.push(t(locale, 'claimEmail', { value: view.maskedEmail ?? missing }));
  }
  const body = `<p>${t(locale, 'consentIntro', { client: view.clientName })}</p>
<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>
<p class="note">${t(locale, 'neverShared')}</p>
<p class="note">${t(locale, 'returnTo', { host: view.redirectHost })}</p>
<p class="note">${t(locale, 'recorded')}</p>
<form method="post" action="${escapeHtml(view.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(view.csrfToken)}">
<div class="actions">
<button class="primary" type="submit" name="decision" value="allow">${t(locale, 'allow')}</button>
<button class="secondary" type="submit" name="decision" value="deny">${t(locale, 'deny')}</button>
</div>
</form>`;
  return layout(locale, t(locale, 'consentTitle'), body);
}

/** The page for a citizen who is not signed in to OneCity: sign in, then continue here. */
export function signInFirstPage(locale: Locale, view: { clientName: string; signInUrl: string; continueUrl: string }) {
  const body = `<p>${t(locale, 'signInIntro', { client: view.clientName })}</p>
<div class="actions">
<a class="button primary" href="${escapeHtml(view.signInUrl)}">${t(locale, 'signInLink')}</a>
<a class="button secondary" href="${escapeHtml(view.continueUrl)}">${t(locale, 'continueLink')}</a>
</div>`;
  return layout(locale, t(locale, 'signInTitle'), body);
}

/** The page for an invalid or expired sign-in request; `code` is the OAuth error code. */
export function errorPage(locale: Locale, code: string): string {
  const body = `<p>${t(locale, 'errorIntro')}</p>
<p class="note">${t(locale, 'errorCode', { code })}</p>`;
  return layout(locale, t(locale, 'errorTitle'), body);
}

/** The Content-Security-Policy of these pages: no script; forms may go on to the client's redirect origin. */
export function pagePolicy(formTargets: string[] = []): string {
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    `form-action 'self'${formTargets.map((o) => ` ${o}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}
