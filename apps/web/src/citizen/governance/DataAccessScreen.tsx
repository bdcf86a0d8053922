/**
 * Who accessed my data: every time someone other than me — a department's staff, a connected
 * system — read or used my personal data, with when and why, in plain words.
 */
import { UserOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { DataAccess } from '#contracts';
import { useDataAccess } from '../../shared/api/privacy.ts';
import { pick } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { Empty, ErrorState, Loading } from '../../shared/ui/states.tsx';
import { Time, Typed } from './common.tsx';
import './governance.css';

/** Recorded actions told in plain words (others are "used your personal data"). */
const ACTIONS = {
  'citizen.read': 'citizen_read',
  'government.application.read': 'government_application_read',
  'oidc.consent.granted': 'oidc_consent_granted',
  'oidc.consent.denied': 'oidc_consent_denied',
} as const;
const ACTORS = ['staff', 'api_key', 'system', 'operator', 'anonymous', 'oidc_client'] as const;
type Actor = (typeof ACTORS)[number] | 'other';
/** Purposes the platform itself records (staff type their own, shown as typed). */
const PURPOSES: Record<string, 'application'> = { 'handling an application': 'application' };

/** Entries with a stable key each (they carry no id of their own). */
function withKeys(entries: DataAccess[]): { key: string; entry: DataAccess }[] {
  const seen = new Map<string, number>();
  return entries.map((entry) => {
    const base = `${entry.at}:${entry.action}:${entry.actorKind}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { key: `${base}:${n}`, entry };
  });
}

function actorOf(kind: string): Actor {
  return (ACTORS as readonly string[]).includes(kind) ? (kind as Actor) : 'other';
}

function Entry({ entry }: { entry: DataAccess }) {
  const { t } = useTranslation('governance');
  const { language } = useSettings();
  const who = entry.department
    ? t('dataAccess.staffOf', { department: pick(language, entry.department.nameZh, entry.department.nameEn) })
    : t(`dataAccess.actor.${actorOf(entry.actorKind)}`);
  const what = t(`dataAccess.action.${ACTIONS[entry.action as keyof typeof ACTIONS] ?? 'other'}`);
  const known = entry.purpose ? PURPOSES[entry.purpose] : undefined;
  return (
    <li className="gov-access">
      <UserOutline className="gov-access__icon" aria-hidden="true" />
      <div className="gov-access__body">
        <p className="gov-access__who">{who}</p>
        <p>{what}</p>
        <p className="gov-access__purpose">
          <span className="gov-access__label">{t('dataAccess.purpose')}</span>
          {known ? (
            t(`dataAccess.purposes.${known}`)
          ) : entry.purpose ? (
            <Typed text={entry.purpose} />
          ) : (
            t('dataAccess.noPurpose')
          )}
        </p>
        <p className="gov-item__meta">
          <Time iso={entry.at} />
        </p>
      </div>
    </li>
  );
}

/** The "who accessed my data" screen. */
export function DataAccessScreen() {
  const { t } = useTranslation('governance');
  const entries = useDataAccess();
  useDocumentTitle(t('dataAccess.title'));
  return (
    <div className="page page--narrow">
      <PageHeading title={t('dataAccess.title')} back />
      <p className="lead">{t('dataAccess.intro')}</p>
      {entries.isPending ? (
        <Loading lines={6} />
      ) : entries.isError ? (
        <ErrorState error={entries.error} onRetry={() => entries.refetch()} />
      ) : entries.data.length === 0 ? (
        <section className="card">
          <Empty title={t('dataAccess.empty')} hint={t('dataAccess.emptyHint')} />
        </section>
      ) : (
        <section className="card" aria-labelledby="data-access-list">
          <h2 id="data-access-list" className="card__title">
            {t('dataAccess.listTitle', { count: entries.data.length })}
          </h2>
          <ul className="gov-access-list">
            {withKeys(entries.data).map(({ key, entry }) => (
              <Entry key={key} entry={entry} />
            ))}
          </ul>
        </section>
      )}
      <p className="hint">
        {t('dataAccess.footer')} <Link to="/me/privacy">{t('dataAccess.toPrivacy')}</Link>
      </p>
    </div>
  );
}
