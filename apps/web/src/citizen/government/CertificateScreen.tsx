/**
 * One of my certificates: its fields, validity and state, a QR code of the public verification
 * page large enough to scan from a phone's screen, and links to the PDF, the printable page and
 * the verification page.
 */
import { ContentOutline, FileOutline, LinkOutline } from 'antd-mobile-icons';
import { QRCodeSVG } from 'qrcode.react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import {
  type CredentialDetail,
  credentialLinks,
  useCredential,
  useServicesByCode,
} from '../../shared/api/applications.ts';
import { pick, pickNames } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { ErrorState, Loading } from '../../shared/ui/states.tsx';
import { type FieldSchema, titleOf } from '../apply/SchemaForm.tsx';
import './government.css';
import { CredentialChip, langOf, useDates } from './status.tsx';

/** A certificate field's value in words: a choice by its label, yes/no, or as written. */
function claimText(
  value: string | number | boolean | null,
  field: FieldSchema | undefined,
  language: string,
  words: { yes: string; no: string },
): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? words.yes : words.no;
  const option = field?.oneOf?.find((o) => o.const === value);
  return option ? titleOf(option, language, String(value)) : String(value);
}

function Certificate({ c }: { c: CredentialDetail }) {
  const { t } = useTranslation('government');
  const { language } = useSettings();
  const dates = useDates();
  const links = credentialLinks(c.id);
  // The service that issued it: its name, and the labels of the choices its form offers.
  const serviceCode = typeof c.claims.service === 'string' ? c.claims.service : '';
  const service = useServicesByCode(serviceCode ? [serviceCode] : []).get(serviceCode);
  const form = (service?.spec as { form?: { properties?: Record<string, FieldSchema> } } | undefined)?.form;
  const words = { yes: t('certificate.yes'), no: t('certificate.no') };
  const withLang = `${c.verifyUrl}${c.verifyUrl.includes('?') ? '&' : '?'}lang=${language}`;
  return (
    <div className="gov-cert-layout">
      <section className={`card gov-cert-card gov-cert-card--${c.state}`} aria-labelledby="cert-name">
        <p className="gov-cert__issuer">
          {pickNames(language, c.issuer.city)} · {pickNames(language, c.issuer.department.name)}
        </p>
        <h2 id="cert-name" className="gov-cert-card__name">
          {pickNames(language, c.typeName)}
        </h2>
        <CredentialChip state={c.state} />
        {c.revocation ? (
          <p className="form-error">{t('certificate.revokedOn', { date: dates.date(c.revocation.at) })}</p>
        ) : null}
        <dl className="fact-list">
          <div className="fact-list__row">
            <dt>{t('certificate.holder')}</dt>
            <dd lang={langOf(c.holderName)}>{c.holderName}</dd>
          </div>
          {Object.entries(c.claims).map(([key, value]) => {
            const shown =
              key === 'service' && service
                ? pick(language, service.nameZh, service.nameEn)
                : claimText(value, form?.properties?.[key], language, words);
            const own = key === 'service' || form?.properties?.[key]?.oneOf || typeof value === 'boolean';
            return (
              <div className="fact-list__row" key={key}>
                <dt>{c.claimLabels[key] ? pickNames(language, c.claimLabels[key]) : key}</dt>
                <dd lang={own ? undefined : langOf(shown)}>{shown}</dd>
              </div>
            );
          })}
          <div className="fact-list__row">
            <dt>{t('certificate.validFrom')}</dt>
            <dd>{dates.date(c.validFrom)}</dd>
          </div>
          <div className="fact-list__row">
            <dt>{t('certificate.validUntil')}</dt>
            <dd>{c.validUntil ? dates.date(c.validUntil) : t('wallet.noExpiry')}</dd>
          </div>
          <div className="fact-list__row">
            <dt>{t('certificate.issuedAt')}</dt>
            <dd>{dates.dateTime(c.issuedAt)}</dd>
          </div>
        </dl>
      </section>
      <section className="card gov-qr" aria-labelledby="cert-qr">
        <h2 id="cert-qr" className="card__title">
          {t('certificate.qrTitle')}
        </h2>
        <p className="hint">{t('certificate.qrHint')}</p>
        <div className="gov-qr__code">
          <QRCodeSVG
            value={c.verifyUrl}
            size={240}
            level="M"
            marginSize={2}
            role="img"
            aria-label={t('certificate.qrLabel', { name: pickNames(language, c.typeName) })}
            data-verify-url={c.verifyUrl}
          />
        </div>
        <ul className="link-list gov-links">
          <li>
            <a className="link-list__item" href={withLang} target="_blank" rel="noopener">
              <LinkOutline aria-hidden="true" />
              <span>{t('certificate.verify')}</span>
            </a>
          </li>
          <li>
            <a className="link-list__item" href={links.pdf} target="_blank" rel="noopener">
              <FileOutline aria-hidden="true" />
              <span>{t('certificate.pdf')}</span>
            </a>
          </li>
          <li>
            <a className="link-list__item" href={links.page} target="_blank" rel="noopener">
              <ContentOutline aria-hidden="true" />
              <span>{t('certificate.page')}</span>
            </a>
          </li>
        </ul>
      </section>
    </div>
  );
}

/** The certificate screen (/me/credentials/:id). */
export function CertificateScreen() {
  const { t } = useTranslation('government');
  const { language } = useSettings();
  const { id = '' } = useParams();
  const credential = useCredential(id);
  useDocumentTitle(credential.data ? pickNames(language, credential.data.typeName) : t('certificate.title'));
  return (
    <div className="page gov-page gov-page--certificate">
      <PageHeading title={t('certificate.title')} back />
      {credential.isPending ? (
        <Loading lines={8} />
      ) : credential.isError ? (
        <ErrorState error={credential.error} onRetry={() => credential.refetch()} />
      ) : (
        <Certificate c={credential.data} />
      )}
    </div>
  );
}
