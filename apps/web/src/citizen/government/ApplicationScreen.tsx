/**
 * One of my applications: where it stands and what comes next (continue a draft, answer a
 * request for more material, see the certificate), its facts and materials, the timeline of
 * every step each department took, withdrawing it, and rating it once it is finished (好差评)
 * with the outcome of the rectification a low rating opened.
 */
import { Button, Dialog, Toast } from 'antd-mobile';
import { CheckCircleFill, ClockCircleOutline, CloseCircleFill, ExclamationCircleFill } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import {
  type ApplicationView,
  type TimelineEntry,
  useApplication,
  useWithdraw,
} from '../../shared/api/applications.ts';
import { type ServiceSpecView, useDepartments, useService } from '../../shared/api/catalog.ts';
import { formatDays, formatFee, pick } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { ErrorState, Loading, useErrorMessage } from '../../shared/ui/states.tsx';
import './government.css';
import { Rating } from './Rating.tsx';
import { langOf, StatusChip, useDates } from './status.tsx';

const KINDS = [
  'created',
  'paid',
  'submitted',
  'approve',
  'reject',
  'request_material',
  'supplement',
  'withdraw',
  'transfer',
  'certificate_issued',
  'enterprise_registered',
  'waiting',
  'needs_applicant',
  'rated',
  'rectified',
] as const;
type Kind = (typeof KINDS)[number] | 'other';
const KNOWN = new Set<string>(KINDS);

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null);

function Entry({ entry, view, last }: { entry: TimelineEntry; view: ApplicationView; last: boolean }) {
  const { t } = useTranslation('government');
  const { t: ts } = useTranslation();
  const { language } = useSettings();
  const dates = useDates();
  const departments = useDepartments();
  const service = useService(view.service.code);
  const steps = (service.data?.spec as ServiceSpecView | undefined)?.workflow?.steps ?? [];
  const step = steps.find((s) => s.code === entry.body.step);
  const department = departments.data?.find((d) => d.id === entry.departmentId);
  const kind: Kind = KNOWN.has(entry.kind) ? (entry.kind as Kind) : 'other';
  const tone =
    kind === 'reject'
      ? 'danger'
      : kind === 'request_material' || kind === 'needs_applicant'
        ? 'warning'
        : kind === 'certificate_issued' || (kind === 'approve' && last)
          ? 'success'
          : 'info';
  const message = text(entry.body.message);
  const reason = text(entry.body.reason);
  return (
    <li className={`gov-timeline__entry gov-timeline__entry--${tone}`}>
      <span className="gov-timeline__dot" aria-hidden="true" />
      <div className="gov-timeline__body">
        <p className="gov-timeline__title">
          {t(`timeline.${kind}`, {
            step: step ? pick(language, step.name.zh, step.name.en) : '',
            trackingNo: text(entry.body.trackingNo) ?? '',
            amount: typeof entry.body.amountFen === 'number' ? formatFee(ts, language, entry.body.amountFen) : '',
            score: typeof entry.body.score === 'number' ? entry.body.score : '',
          })}
        </p>
        <p className="gov-timeline__meta">
          <time dateTime={entry.at}>{dates.dateTime(entry.at)}</time>
          {department ? ` · ${pick(language, department.nameZh, department.nameEn)}` : ''}
        </p>
        {kind === 'submitted' && text(entry.body.promisedDueAt) ? (
          <p className="gov-timeline__text">
            {t('timeline.promisedBy', { date: dates.date(entry.body.promisedDueAt as string) })}
          </p>
        ) : null}
        {reason ? (
          <p className="gov-timeline__text">
            {t('timeline.reason')}
            <span lang={langOf(reason)}>{reason}</span>
          </p>
        ) : null}
        {message ? (
          <p className="gov-timeline__text gov-timeline__quote" lang={langOf(message)}>
            {message}
          </p>
        ) : null}
        {kind === 'certificate_issued' && text(entry.body.credentialId) ? (
          <Link to={`/me/credentials/${entry.body.credentialId as string}`}>{t('timeline.seeCertificate')}</Link>
        ) : null}
      </div>
    </li>
  );
}

function Outcome({ view }: { view: ApplicationView }) {
  const { t } = useTranslation('government');
  const navigate = useNavigate();
  const request = [...view.timeline].reverse().find((e) => e.kind === 'request_material');
  const rejection = [...view.timeline].reverse().find((e) => e.kind === 'reject');
  switch (view.status) {
    case 'draft':
      return (
        <div className="gov-outcome gov-outcome--neutral">
          <ClockCircleOutline aria-hidden="true" className="gov-outcome__icon" />
          <div className="gov-outcome__body">
            <p className="gov-outcome__title">{t('outcome.draft')}</p>
            {view.feeFen > 0 ? <p>{view.paid ? t('fee.paid') : t('outcome.draftUnpaid')}</p> : null}
            <Button color="primary" onClick={() => navigate(`/me/applications/${view.id}/edit`)}>
              {t('outcome.continue')}
            </Button>
          </div>
        </div>
      );
    case 'awaiting_applicant':
      return (
        <div className="gov-outcome gov-outcome--warning">
          <ExclamationCircleFill aria-hidden="true" className="gov-outcome__icon" />
          <div className="gov-outcome__body">
            <p className="gov-outcome__title">{t('outcome.supplement')}</p>
            {text(request?.body.message) ? (
              <p className="gov-timeline__quote" lang={langOf(request?.body.message as string)}>
                {request?.body.message as string}
              </p>
            ) : null}
            <Button color="primary" onClick={() => navigate(`/me/applications/${view.id}/edit`)}>
              {t('outcome.answer')}
            </Button>
          </div>
        </div>
      );
    case 'approved':
      return (
        <div className="gov-outcome gov-outcome--success">
          <CheckCircleFill aria-hidden="true" className="gov-outcome__icon" />
          <div className="gov-outcome__body">
            <p className="gov-outcome__title">{t('outcome.approved')}</p>
            {view.credentialId ? (
              <>
                <p>{t('outcome.certificate')}</p>
                <Button color="primary" onClick={() => navigate(`/me/credentials/${view.credentialId}`)}>
                  {t('outcome.seeCertificate')}
                </Button>
              </>
            ) : null}
          </div>
        </div>
      );
    case 'rejected':
      return (
        <div className="gov-outcome gov-outcome--danger">
          <CloseCircleFill aria-hidden="true" className="gov-outcome__icon" />
          <div className="gov-outcome__body">
            <p className="gov-outcome__title">{t('outcome.rejected')}</p>
            {text(rejection?.body.reason) ? (
              <p>
                {t('timeline.reason')}
                <span lang={langOf(rejection?.body.reason as string)}>{rejection?.body.reason as string}</span>
              </p>
            ) : null}
          </div>
        </div>
      );
    case 'withdrawn':
      return (
        <div className="gov-outcome gov-outcome--neutral">
          <CloseCircleFill aria-hidden="true" className="gov-outcome__icon" />
          <p className="gov-outcome__title">{t('outcome.withdrawn')}</p>
        </div>
      );
    default:
      return (
        <div className="gov-outcome gov-outcome--info">
          <ClockCircleOutline aria-hidden="true" className="gov-outcome__icon" />
          <div className="gov-outcome__body">
            <p className="gov-outcome__title">
              {t(view.status === 'waiting' ? 'outcome.waiting' : 'outcome.inProgress')}
            </p>
            <p>{t('outcome.inProgressHint')}</p>
          </div>
        </div>
      );
  }
}

function Details({ view }: { view: ApplicationView }) {
  const { t } = useTranslation('government');
  const { t: ts } = useTranslation();
  const { language } = useSettings();
  const dates = useDates();
  const messageOf = useErrorMessage();
  const withdraw = useWithdraw(view.id);
  const submitted = view.timeline.find((e) => e.kind === 'submitted');
  const promisedDueAt = text(submitted?.body.promisedDueAt);
  const canWithdraw = ['draft', 'waiting', 'in_progress', 'awaiting_applicant'].includes(view.status);
  const finished = view.status === 'approved' || view.status === 'rejected';
  const timeline = [...view.timeline].reverse();
  const materials = view.materials.filter((m) => m.kind !== 'form');

  return (
    <>
      <section className="card gov-detail-head" aria-labelledby="detail-service">
        <div className="gov-list__head">
          <h2 id="detail-service" className="card__title">
            {pick(language, view.service.nameZh, view.service.nameEn)}
          </h2>
          <StatusChip status={view.status} />
        </div>
        <Outcome view={view} />
        <dl className="fact-list">
          <div className="fact-list__row">
            <dt>{t('list.trackingNo')}</dt>
            <dd>{view.trackingNo ?? t('list.noTrackingNo')}</dd>
          </div>
          <div className="fact-list__row">
            <dt>{t('list.started')}</dt>
            <dd>{dates.dateTime(view.createdAt)}</dd>
          </div>
          {view.submittedAt ? (
            <div className="fact-list__row">
              <dt>{t('list.submitted')}</dt>
              <dd>{dates.dateTime(view.submittedAt)}</dd>
            </div>
          ) : null}
          <div className="fact-list__row">
            <dt>{t('list.promised')}</dt>
            <dd>
              {formatDays(ts, view.promisedDays)}
              {promisedDueAt && !view.completedAt ? (
                <span className="fact-list__note">{t('detail.dueBy', { date: dates.date(promisedDueAt) })}</span>
              ) : null}
            </dd>
          </div>
          {view.completedAt ? (
            <div className="fact-list__row">
              <dt>{t('list.completed')}</dt>
              <dd>{dates.dateTime(view.completedAt)}</dd>
            </div>
          ) : null}
          {view.feeFen > 0 ? (
            <div className="fact-list__row">
              <dt>{t('apply.fee')}</dt>
              <dd>
                {formatFee(ts, language, view.feeFen)}
                <span className="fact-list__note">{view.paid ? t('fee.paidShort') : t('fee.unpaidShort')}</span>
              </dd>
            </div>
          ) : null}
        </dl>
      </section>

      {materials.length ? (
        <section className="card" aria-labelledby="detail-materials">
          <h2 id="detail-materials" className="card__title">
            {t('materials.title')}
          </h2>
          <ul className="gov-materials">
            {materials.map((m) => (
              <li key={m.code} className="gov-material gov-material--compact">
                <span className="gov-material__name">{pick(language, m.nameZh, m.nameEn)}</span>
                <span
                  className={m.satisfiedBy ? 'badge badge--success' : m.optional ? 'badge' : 'badge badge--warning'}
                >
                  {m.satisfiedBy === 'held'
                    ? t('materials.byReference')
                    : m.satisfiedBy === 'upload'
                      ? t('materials.attached', { count: m.fileIds.length })
                      : m.optional
                        ? t('materials.optional')
                        : t('materials.missing')}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="card" aria-labelledby="detail-timeline">
        <h2 id="detail-timeline" className="card__title">
          {t('timeline.title')}
        </h2>
        <ol className="gov-timeline">
          {timeline.map((entry, i) => (
            <Entry key={entry.seq} entry={entry} view={view} last={i === 0} />
          ))}
        </ol>
      </section>

      {finished ? <Rating id={view.id} /> : null}

      {canWithdraw ? (
        <Button
          block
          color="danger"
          fill="outline"
          loading={withdraw.isPending}
          onClick={async () => {
            const ok = await Dialog.confirm({
              title: t('withdraw.title'),
              content: view.paid ? t('withdraw.confirmPaid') : t('withdraw.confirm'),
              confirmText: t('withdraw.action'),
              cancelText: t('common.cancel'),
            });
            if (!ok) return;
            withdraw.mutate(undefined, {
              onSuccess: () => Toast.show({ content: t('withdraw.done') }),
              onError: (error) => Toast.show({ content: messageOf(error) }),
            });
          }}
        >
          {t('withdraw.action')}
        </Button>
      ) : null}
      <p className="centered">
        <Link to="/me/applications">{t('detail.allApplications')}</Link>
      </p>
    </>
  );
}

/** The application detail screen (/me/applications/:id). */
export function ApplicationScreen() {
  const { t } = useTranslation('government');
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const application = useApplication(id, { waitForPayment: true });
  useDocumentTitle(t('detail.title'));
  return (
    <div className="page page--narrow gov-page">
      <PageHeading title={t('detail.title')} back />
      {params.get('sent') === '1' && application.data && application.data.status !== 'draft' ? (
        <p className="notice gov-sent" role="status">
          <CheckCircleFill aria-hidden="true" className="button-icon" />
          {application.data.status === 'in_progress' && application.data.trackingNo
            ? t('detail.sent', { trackingNo: application.data.trackingNo })
            : t('detail.sentShort')}
        </p>
      ) : null}
      {application.isPending ? (
        <Loading lines={8} />
      ) : application.isError ? (
        <ErrorState error={application.error} onRetry={() => application.refetch()} />
      ) : (
        <Details view={application.data} />
      )}
    </div>
  );
}
