/** Notifications: what I have been told about my reports and the areas I follow; unread ones marked. */
import { Button } from 'antd-mobile';
import { RightOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type GovNotification, useMarkRead, useNotifications } from '../../shared/api/reports.ts';
import { pick } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { Empty, ErrorState, Loading, useErrorMessage } from '../../shared/ui/states.tsx';
import { Time, Typed } from './common.tsx';
import './governance.css';

const KINDS = [
  'submit',
  'link',
  'unlink',
  'dispatch',
  'accept',
  'start',
  'resolve',
  'transfer',
  'return_invalid',
  'reopen',
  'close',
  'merge',
  'digest',
  'follow_up_closed',
] as const;
type Kind = (typeof KINDS)[number] | 'other';

function useNotificationText() {
  const { t } = useTranslation('governance');
  const { language } = useSettings();
  return (n: GovNotification): string => {
    const kind: Kind = (KINDS as readonly string[]).includes(n.kind) ? (n.kind as Kind) : 'other';
    const details = n.details as { zoneNameZh?: string; zoneNameEn?: string; total?: number };
    return t(`notifications.kind.${kind}`, {
      trackingNo: n.trackingNo ?? '',
      zone: pick(language, details.zoneNameZh ?? '', details.zoneNameEn ?? ''),
      count: Number(details.total ?? 0),
    });
  };
}

/** The notifications screen. */
export function NotificationsScreen() {
  const { t } = useTranslation('governance');
  const notifications = useNotifications();
  const markRead = useMarkRead();
  const errorMessage = useErrorMessage();
  const text = useNotificationText();
  useDocumentTitle(t('notifications.title'));
  const unread = notifications.data?.unread ?? 0;

  return (
    <div className="page page--narrow">
      <PageHeading title={t('notifications.title')} back />
      {notifications.isPending ? (
        <Loading lines={6} />
      ) : notifications.isError ? (
        <ErrorState error={notifications.error} onRetry={() => notifications.refetch()} />
      ) : notifications.data.items.length === 0 ? (
        <section className="card">
          <Empty title={t('notifications.empty')} hint={t('notifications.emptyHint')} />
        </section>
      ) : (
        <>
          <div className="gov-toolbar">
            <p className="hint" aria-live="polite">
              {unread > 0 ? t('notifications.unreadCount', { count: unread }) : t('notifications.allRead')}
            </p>
            {unread > 0 ? (
              <Button
                size="small"
                fill="outline"
                loading={markRead.isPending}
                onClick={() => markRead.mutate(undefined)}
              >
                {t('notifications.markAll')}
              </Button>
            ) : null}
          </div>
          {markRead.isError ? (
            <p className="form-error" role="alert">
              {errorMessage(markRead.error)}
            </p>
          ) : null}
          <ul className="gov-list">
            {notifications.data.items.map((n) => {
              const details = n.details as { outcome?: unknown };
              const content = (
                <>
                  <span className="gov-item__main">
                    <span className="gov-item__title">
                      {n.read ? null : (
                        <>
                          <span className="gov-unread-dot" aria-hidden="true" />
                          <span className="visually-hidden">{t('notifications.unread')}</span>
                        </>
                      )}
                      {text(n)}
                    </span>
                    {typeof details.outcome === 'string' && details.outcome ? (
                      <Typed className="gov-item__text" text={details.outcome} />
                    ) : null}
                    <span className="gov-item__meta">
                      <Time iso={n.createdAt} />
                    </span>
                  </span>
                  {n.trackingNo ? <RightOutline className="gov-item__chevron" aria-hidden="true" /> : null}
                </>
              );
              const onOpen = () => {
                if (!n.read) markRead.mutate([n.id]);
              };
              return (
                <li key={n.id}>
                  {n.trackingNo ? (
                    <Link
                      className={`gov-item${n.read ? '' : ' gov-item--unread'}`}
                      to={`/me/reports/${encodeURIComponent(n.trackingNo)}`}
                      onClick={onOpen}
                    >
                      {content}
                    </Link>
                  ) : (
                    <div className={`gov-item${n.read ? '' : ' gov-item--unread'}`}>
                      {content}
                      {n.read ? null : (
                        <button type="button" className="text-button" onClick={onOpen}>
                          {t('notifications.markOne')}
                        </button>
                      )}
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </div>
  );
}
