/**
 * The development provider's checkout page, server-rendered in zh-CN or en. Whatever the
 * language, the banner at the top says in both that this is the development provider and that
 * no money moves. No script (the Content-Security-Policy forbids it): plain forms.
 */
import type { Locale } from '../../config.ts';
import { DEVELOPMENT_NOTICE } from './present.ts';
import type { DevOrderStatus, PaymentStatus } from './schema.ts';

const messages = {
  'zh-CN': {
    title: 'OneCity 开发测试收银台',
    bannerTitle: '开发测试支付渠道',
    item: '缴费事项',
    amount: '金额',
    paymentId: '支付编号',
    orderId: '渠道订单号',
    expires: '支付截止时间',
    pay: '模拟支付成功',
    cancel: '取消支付',
    payHint: '点击“模拟支付成功”后，本渠道会像真实支付渠道一样，向 OneCity 发送一条带签名的支付结果通知。',
    pending: '等待支付。',
    expired: '该订单已过支付截止时间，不能再支付。',
    paid: '已模拟支付成功。',
    closed: '该订单已取消，不能再支付。',
    refunded: '该订单已（模拟）退款。',
    confirmed: 'OneCity 已确认：{status}。',
    notConfirmed: 'OneCity 尚未收到支付结果通知；订单到期时会再向本渠道查询。',
    back: '返回 OneCity',
    notFoundTitle: '找不到该支付订单',
    notFound: '链接无效或已失效。请回到 OneCity 重新发起支付。',
  },
  en: {
    title: 'OneCity development checkout',
    bannerTitle: 'Development payment provider',
    item: 'For',
    amount: 'Amount',
    paymentId: 'Payment number',
    orderId: 'Provider order',
    expires: 'Pay before',
    pay: 'Simulate a successful payment',
    cancel: 'Cancel payment',
    payHint:
      'After "Simulate a successful payment", this provider sends OneCity a signed payment notification, just as a real payment provider would.',
    pending: 'Awaiting payment.',
    expired: 'This order is past its deadline and can no longer be paid.',
    paid: 'The payment was simulated successfully.',
    closed: 'This order was cancelled and can no longer be paid.',
    refunded: 'This order was refunded (simulated).',
    confirmed: 'OneCity confirms: {status}.',
    notConfirmed:
      'OneCity has not received the payment notification yet; it will ask this provider again when the order expires.',
    back: 'Back to OneCity',
    notFoundTitle: 'Payment order not found',
    notFound: 'The link is not valid or no longer works. Go back to OneCity and start the payment again.',
  },
} as const satisfies Record<Locale, Record<string, string>>;

type MessageKey = keyof (typeof messages)['en'];

/** Escapes text for HTML element content and attribute values. */
function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function t(locale: Locale, key: MessageKey, params: Record<string, string> = {}): string {
  return escapeHtml(messages[locale][key]).replace(/\{(\w+)\}/g, (m, name: string) =>
    name in params ? escapeHtml(params[name] ?? '') : m,
  );
}

/** An amount in fen as yuan, `¥12.50`, without floating-point arithmetic. */
export function formatYuan(fen: number): string {
  const whole = Math.floor(fen / 100);
  return `¥${whole.toLocaleString('en')}.${String(fen % 100).padStart(2, '0')}`;
}

/** The Content-Security-Policy of these pages: no script, forms post back to OneCity only. */
export const CHECKOUT_PAGE_POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const STYLE = `body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f5f6f8;color:#1f1f1f}
main{max-width:32rem;margin:1.5rem auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.banner{background:#fff4ce;border:2px solid #8a5a00;color:#3d2800;border-radius:8px;padding:.75rem 1rem;margin-bottom:1.25rem}
.banner strong{display:block;margin-bottom:.25rem}.banner p{margin:.2rem 0}
h1{font-size:1.3rem;margin:0 0 1rem}dl{display:grid;grid-template-columns:auto 1fr;gap:.4rem 1rem}dt{color:#474747}dd{margin:0;word-break:break-all}
.amount{font-size:1.6rem;font-weight:600}.state{font-weight:600}.note{color:#474747;font-size:.9rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.25rem}form{margin:0}
button,.button{font-size:1rem;padding:.65rem 1.2rem;border-radius:6px;border:1px solid #0b57d0;cursor:pointer;text-decoration:none}
.primary{background:#0b57d0;color:#fff}.secondary{background:#fff;color:#0b57d0}`;

function banner(): string {
  return `<div class="banner" role="note">
<strong lang="zh-CN">${escapeHtml(messages['zh-CN'].bannerTitle)} · <span lang="en">${escapeHtml(messages.en.bannerTitle)}</span></strong>
<p lang="zh-CN">${escapeHtml(DEVELOPMENT_NOTICE.zh)}</p>
<p lang="en">${escapeHtml(DEVELOPMENT_NOTICE.en)}</p>
</div>`;
}

function layout(locale: Locale, title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · DEV</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${banner()}
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}

/** What the checkout page shows. */
export interface CheckoutView {
  paymentId: string;
  orderId: string;
  description: { zh: string; en: string };
  amountFen: number;
  expiresAt: Date;
  timeZone: string;
  orderStatus: DevOrderStatus;
  /** The order is pending but past its deadline. */
  expired: boolean;
  paymentStatus: PaymentStatus;
  /** The payment's status in words, in the page's language. */
  paymentStatusLabel: string;
  token: string;
  returnPath: string | null;
}

/** The checkout page: the payment, its state, and Pay / Cancel while it can still be paid. */
export function checkoutPage(locale: Locale, view: CheckoutView): string {
  const when = new Intl.DateTimeFormat(locale, {
    timeZone: view.timeZone,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(view.expiresAt);
  const payable = view.orderStatus === 'pending' && !view.expired;
  // An order closed because the payment expired says so, not that someone cancelled it.
  const state: MessageKey = payable
    ? 'pending'
    : view.orderStatus === 'pending' || (view.orderStatus === 'closed' && view.paymentStatus === 'expired')
      ? 'expired'
      : view.orderStatus;
  const confirmation =
    view.orderStatus === 'paid' && view.paymentStatus === 'created'
      ? `<p class="note">${t(locale, 'notConfirmed')}</p>`
      : payable
        ? ''
        : `<p class="note">${t(locale, 'confirmed', { status: view.paymentStatusLabel })}</p>`;
  const hidden = `<input type="hidden" name="token" value="${escapeHtml(view.token)}">`;
  const base = `/dev-pay/${encodeURIComponent(view.paymentId)}`;
  const actions = payable
    ? `<p class="note">${t(locale, 'payHint')}</p>
<div class="actions">
<form method="post" action="${base}/pay">${hidden}<button class="primary" type="submit">${t(locale, 'pay')}</button></form>
<form method="post" action="${base}/cancel">${hidden}<button class="secondary" type="submit">${t(locale, 'cancel')}</button></form>
</div>`
    : view.returnPath
      ? `<div class="actions"><a class="button primary" href="${escapeHtml(view.returnPath)}">${t(locale, 'back')}</a></div>`
      : '';
  const description = locale === 'zh-CN' ? view.description.zh : view.description.en;
  const body = `<dl>
<dt>${t(locale, 'item')}</dt><dd>${escapeHtml(description)}</dd>
<dt>${t(locale, 'amount')}</dt><dd class="amount">${escapeHtml(formatYuan(view.amountFen))}</dd>
<dt>${t(locale, 'paymentId')}</dt><dd>${escapeHtml(view.paymentId)}</dd>
<dt>${t(locale, 'orderId')}</dt><dd>${escapeHtml(view.orderId)}</dd>
<dt>${t(locale, 'expires')}</dt><dd>${escapeHtml(when)}</dd>
</dl>
<p class="state" role="status">${t(locale, state)}</p>
${confirmation}
${actions}`;
  return layout(locale, t(locale, 'title'), body);
}

/** The page for a link that names no payment of this provider, or carries the wrong token. */
export function checkoutNotFoundPage(locale: Locale): string {
  return layout(locale, t(locale, 'notFoundTitle'), `<p>${t(locale, 'notFound')}</p>`);
}
