/** The governance entries on "me": report a problem, my reports, notifications (with the unread count), my data, privacy. */
import {
  BellOutline,
  CameraOutline,
  EyeOutline,
  LockOutline,
  RightOutline,
  UnorderedListOutline,
} from 'antd-mobile-icons';
import type { ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useUnreadCount } from '../../shared/api/reports.ts';
import './governance.css';

/** The entries (rendered for signed-in citizens only). */
export function MeLinks() {
  const { t } = useTranslation('governance');
  const unread = useUnreadCount(true).data ?? 0;
  const items: {
    to: string;
    label: string;
    Icon: ComponentType<{ 'aria-hidden'?: boolean | 'true' }>;
    badge?: number;
  }[] = [
    { to: '/report', label: t('me.report'), Icon: CameraOutline },
    { to: '/me/reports', label: t('me.myReports'), Icon: UnorderedListOutline },
    { to: '/me/notifications', label: t('me.notifications'), Icon: BellOutline, badge: unread },
    { to: '/me/data-access', label: t('me.dataAccess'), Icon: EyeOutline },
    { to: '/me/privacy', label: t('me.privacy'), Icon: LockOutline },
  ];
  return (
    <nav aria-label={t('me.title')}>
      <ul className="link-list card gov-me-links">
        {items.map(({ to, label, Icon, badge }) => (
          <li key={to}>
            <Link to={to} className="link-list__item">
              <Icon aria-hidden="true" />
              <span>{label}</span>
              {badge ? (
                <span className="gov-badge">
                  <span aria-hidden="true">{badge > 99 ? '99+' : badge}</span>
                  <span className="visually-hidden">{t('me.unread', { count: badge })}</span>
                </span>
              ) : null}
              <RightOutline aria-hidden="true" className="link-list__chevron" />
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
