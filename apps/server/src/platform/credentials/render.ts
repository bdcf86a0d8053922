/**
 * What a certificate looks like: its QR code (the public verification page's URL), a
 * certificate page (HTML) and a PDF. The PDF embeds, subset, the Noto Sans CJK SC font shipped
 * in the `@embedpdf/fonts-sc` npm package (OFL-1.1): the server never depends on fonts installed
 * on its machine, and the PDF shows Chinese on any reader. It also carries the signed
 * credential as an attachment (`credential.jwt`), so that a printed copy's file can be
 * verified offline with `onecity credentials verify`.
 */
import { readFile } from 'node:fs/promises';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { Locale } from '../../config.ts';
import { escapeHtml, formatDate, formatDateTime, text } from './texts.ts';

/** Everything a rendered certificate shows, already decided (masked, formatted by the caller's choices). */
export interface CertificateView {
  id: string;
  typeName: { zh: string; en: string };
  issuer: { city: { zh: string; en: string }; department: { zh: string; en: string } };
  holderName: string;
  /** Shown masked (4401**********1234) even to the holder: a printout travels. */
  holderIdentifierMasked: string | null;
  fields: Array<{ label: { zh: string; en: string }; value: string }>;
  validFrom: Date;
  validUntil: Date | null;
  issuedAt: Date;
  verifyUrl: string;
  kid: string;
  /** The compact JWS, attached to the PDF. */
  jws: string;
  /** The city's time zone, for dates. */
  timeZone: string;
}

const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 2 } as const;

/** The QR code of `url` as an SVG document. */
export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { ...QR_OPTIONS, type: 'svg' });
}

/** The QR code of `url` as a PNG data URL. */
export function qrDataUrl(url: string): Promise<string> {
  return QRCode.toDataURL(url, { ...QR_OPTIONS, scale: 6 });
}

/** The QR code of `url` as PNG bytes. */
export function qrPng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(url, { ...QR_OPTIONS, scale: 6 });
}

const nameIn = (names: { zh: string; en: string }, locale: Locale) => (locale === 'en' ? names.en : names.zh);

/** The certificate page for its holder: a printable HTML page with the QR code inline. */
export async function renderCertificateHtml(view: CertificateView, locale: Locale): Promise<string> {
  const t = (key: Parameters<typeof text>[1]) => escapeHtml(text(locale, key));
  const svg = await qrSvg(view.verifyUrl);
  const rows: Array<[string, string]> = [
    [t('holder'), view.holderName],
    ...(view.holderIdentifierMasked ? ([['ID', view.holderIdentifierMasked]] as Array<[string, string]>) : []),
    ...view.fields.map((f) => [nameIn(f.label, locale), f.value] as [string, string]),
    [t('validFrom'), formatDate(view.validFrom, view.timeZone)],
    [t('validUntil'), view.validUntil ? formatDate(view.validUntil, view.timeZone) : text(locale, 'noExpiry')],
    [t('issuer'), `${nameIn(view.issuer.city, locale)} ${nameIn(view.issuer.department, locale)}`],
    [t('issuedAt'), formatDateTime(view.issuedAt, view.timeZone)],
    [t('credentialId'), view.id],
  ];
  return `<!DOCTYPE html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(nameIn(view.typeName, locale))} · ${t('certificateTitle')}</title>
<style>${CERTIFICATE_STYLE}</style>
</head>
<body>
<main>
<p class="kicker">${t('certificateTitle')}</p>
<h1>${escapeHtml(view.typeName.zh)}<span>${escapeHtml(view.typeName.en)}</span></h1>
<div class="layout">
<dl>
${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('\n')}
</dl>
<figure>
<div class="qr" role="img" aria-label="${t('scanToVerify')}">${svg}</div>
<figcaption>${t('scanToVerify')}<br><a href="${escapeHtml(view.verifyUrl)}">${escapeHtml(view.verifyUrl)}</a></figcaption>
</figure>
</div>
<p class="key">${t('signedBy')}: <code>${escapeHtml(view.kid)}</code></p>
</main>
</body>
</html>`;
}

const CERTIFICATE_STYLE = `body{font-family:system-ui,-apple-system,"Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f5f6f8;color:#1f1f1f}
main{max-width:46rem;margin:1.5rem auto;padding:2rem;background:#fff;border:3px double #8c1c13;border-radius:6px}
.kicker{margin:0;color:#8c1c13;letter-spacing:.2em;font-size:.9rem}h1{margin:.3rem 0 1.5rem;font-size:1.8rem}
h1 span{display:block;font-size:1rem;font-weight:400;color:#474747}.layout{display:flex;flex-wrap:wrap;gap:1.5rem}
dl{flex:1 1 20rem;display:grid;grid-template-columns:max-content 1fr;gap:.5rem 1rem;margin:0}dt{color:#474747}dd{margin:0;word-break:break-all}
figure{margin:0;text-align:center;width:12rem}.qr svg{width:12rem;height:12rem}figcaption{font-size:.8rem;color:#474747;word-break:break-all}
a{color:#0b57d0}.key{margin-top:1.5rem;font-size:.75rem;color:#474747;word-break:break-all}
@media print{body{background:#fff}main{margin:0;border-color:#000}}`;

/** The CJK font's bytes, read once from its npm package. */
let fontBytes: Promise<Buffer> | null = null;

/** Noto Sans CJK SC Regular (OTF) from the `@embedpdf/fonts-sc` package. */
export function cjkFont(): Promise<Buffer> {
  if (!fontBytes) {
    const url = new URL('../fonts/NotoSansHans-Regular.otf', import.meta.resolve('@embedpdf/fonts-sc'));
    fontBytes = readFile(url).catch((error: unknown) => {
      fontBytes = null;
      throw error;
    });
  }
  return fontBytes;
}

/** The name the embedded font carries in the PDF (after the subset tag). */
export const PDF_FONT_NAME = 'NotoSansHans-Regular';

const RED = '#8c1c13';
const GREY = '#474747';

/** The certificate as an A4 PDF: fields, issuer, dates, id, and the QR code drawn as vector squares. */
export async function renderCertificatePdf(view: CertificateView, locale: Locale): Promise<Buffer> {
  const font = await cjkFont();
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    compress: true,
    info: {
      Title: `${view.typeName.zh} ${view.typeName.en}`,
      Subject: `OneCity e-certificate ${view.id}`,
      Keywords: `credential:${view.id}`,
      Author: `${view.issuer.city.en} ${view.issuer.department.en}`,
      Creator: 'OneCity',
      CreationDate: view.issuedAt,
    },
    lang: locale,
    displayTitle: true,
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  doc.registerFont('cjk', font);
  doc.font('cjk');

  const { width, height } = doc.page;
  const left = 56;
  const contentWidth = width - 2 * left;
  doc
    .lineWidth(2)
    .strokeColor(RED)
    .rect(28, 28, width - 56, height - 56)
    .stroke();
  doc
    .lineWidth(0.5)
    .rect(34, 34, width - 68, height - 68)
    .stroke();

  doc.fillColor(RED).fontSize(11).text(text(locale, 'certificateTitle'), left, 64, { characterSpacing: 3 });
  doc.fillColor('#1f1f1f').fontSize(26).text(view.typeName.zh, left, 86, { width: contentWidth });
  doc.fillColor(GREY).fontSize(13).text(view.typeName.en, { width: contentWidth });

  const labelWidth = 130;
  const valueWidth = contentWidth - labelWidth - 12;
  let y = doc.y + 28;
  const row = (label: string, value: string) => {
    const h = Math.max(
      doc.fontSize(11).heightOfString(label, { width: labelWidth }),
      doc.fontSize(11).heightOfString(value, { width: valueWidth }),
    );
    doc.fillColor(GREY).fontSize(11).text(label, left, y, { width: labelWidth });
    doc
      .fillColor('#1f1f1f')
      .fontSize(11)
      .text(value, left + labelWidth + 12, y, { width: valueWidth });
    y += h + 10;
  };
  row(text(locale, 'holder'), view.holderName);
  if (view.holderIdentifierMasked) row(locale === 'en' ? 'ID number' : '证件号码', view.holderIdentifierMasked);
  for (const field of view.fields) row(nameIn(field.label, locale), field.value);
  row(text(locale, 'validFrom'), formatDate(view.validFrom, view.timeZone));
  row(
    text(locale, 'validUntil'),
    view.validUntil ? formatDate(view.validUntil, view.timeZone) : text(locale, 'noExpiry'),
  );
  row(text(locale, 'issuer'), `${nameIn(view.issuer.city, locale)} ${nameIn(view.issuer.department, locale)}`);
  row(text(locale, 'issuedAt'), formatDateTime(view.issuedAt, view.timeZone));
  row(text(locale, 'credentialId'), view.id);

  // The QR code as filled squares: sharp at any zoom and on any printer.
  const qr = QRCode.create(view.verifyUrl, { errorCorrectionLevel: QR_OPTIONS.errorCorrectionLevel });
  const modules = qr.modules;
  const qrSide = 132;
  const quiet = 2;
  const cell = qrSide / (modules.size + 2 * quiet);
  const qrLeft = width - left - qrSide;
  const qrTop = Math.max(y + 16, height - 56 - qrSide - 70);
  doc.rect(qrLeft, qrTop, qrSide, qrSide).fill('#ffffff');
  for (let r = 0; r < modules.size; r++) {
    for (let c = 0; c < modules.size; c++) {
      if (modules.get(r, c)) doc.rect(qrLeft + (c + quiet) * cell, qrTop + (r + quiet) * cell, cell, cell);
    }
  }
  doc.fill('#000000');
  doc
    .fillColor(GREY)
    .fontSize(9)
    .text(text(locale, 'scanToVerify'), qrLeft, qrTop + qrSide + 4, { width: qrSide, align: 'center' });
  doc
    .fontSize(7)
    .fillColor(GREY)
    .text(view.verifyUrl, left, qrTop + qrSide - 24, { width: contentWidth - qrSide - 16 })
    .text(`${text(locale, 'signedBy')}: ${view.kid}`, { width: contentWidth - qrSide - 16 });

  doc.file(Buffer.from(view.jws, 'utf8'), {
    name: 'credential.jwt',
    type: 'application/vc+jwt',
    description: 'Signed credential (compact JWS)',
    creationDate: view.issuedAt,
  });
  doc.end();
  await finished;
  return Buffer.concat(chunks);
}
