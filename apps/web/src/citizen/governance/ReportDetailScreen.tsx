/**
 * One of my reports: its tracking number, status and photos, what happened to it step by step
 * (received, sent to a department, accepted, fixed with a photo of the result…) and what I can
 * do now — confirm the fix, say it is not fixed, rate how it was handled.
 */
import { Button, Toast } from 'antd-mobile';
import { StarFill } from 'antd-mobile-icons';
import { type ReactNode, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import {
  type MyReportDetail,
  myReportPhotoUrl,
  type TimelineItem,
  useMyReport,
  useReportAction,
} from '../../shared/api/reports.ts';
import { CITY } from '../../shared/config.ts';
import { pick } from '../../shared/format.ts';
import { CityMap } from '../../shared/map/CityMap.tsx';
import { useSettings } from '../../shared/settings.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { ErrorState, Loading, useErrorMessage } from '../../shared/ui/states.tsx';
import {
  Card,
  StatusBadge,
  statusTone,
  Time,
  Typed,
  useCategoryIndex,
  useCategoryName,
  useDepartmentName,
} from './common.tsx';
import './governance.css';

/** Rating tags the server knows, the kind ones first. */
const GOOD_TAGS = ['fast', 'thorough', 'polite', 'kept_informed'] as const;
const BAD_TAGS = [
  'too_slow',
  'not_fixed_properly',
  'poor_attitude',
  'exceeded_time_limit',
  'asked_irrelevant_questions',
] as const;

/** Steps of the timeline a reporter is told about. */
const TOLD = [
  'submit',
  'dispatch',
  'accept',
  'start',
  'resolve',
  'transfer',
  'return_invalid',
  'confirm',
  'reopen',
  'close',
  'rate',
  'merge',
] as const;

function Photo({ trackingNo, id, alt }: { trackingNo: string; id: string; alt: string }) {
  return (
    <a className="gov-shot" href={myReportPhotoUrl(trackingNo, id, 'full')} target="_blank" rel="noreferrer">
      <img src={myReportPhotoUrl(trackingNo, id, 'thumbnail')} alt={alt} loading="lazy" />
    </a>
  );
}

function Stars({ rating }: { rating: number }) {
  const { t } = useTranslation('governance');
  return (
    <span className="gov-stars" role="img" aria-label={t('detail.stars', { rating })}>
      {[1, 2, 3, 4, 5].map((n) => (
        <StarFill key={n} className={n <= rating ? 'gov-stars__on' : 'gov-stars__off'} aria-hidden="true" />
      ))}
    </span>
  );
}

function Step({ item, trackingNo }: { item: TimelineItem; trackingNo: string }) {
  const { t } = useTranslation('governance');
  const departmentName = useDepartmentName();
  const department = departmentName(item.departmentCode) ?? t('timeline.theDepartment');
  const body: ReactNode[] = [];
  if (item.reason) body.push(<Typed key="reason" as="p" className="gov-step__note" text={item.reason} />);
  if (item.note) body.push(<Typed key="note" as="p" className="gov-step__note" text={item.note} />);
  if (item.rating) body.push(<Stars key="stars" rating={item.rating} />);
  if (item.tags.length)
    body.push(
      <ul key="tags" className="gov-tags">
        {item.tags.map((tag) => (
          <li key={tag} className="badge">
            {t(`rate.tags.${tag}`, { defaultValue: t('rate.tags.other') })}
          </li>
        ))}
      </ul>,
    );
  if (item.photoIds.length)
    body.push(
      <div key="photos" className="gov-shots">
        {item.photoIds.map((id, i) => (
          <Photo key={id} trackingNo={trackingNo} id={id} alt={t('detail.afterPhoto', { n: i + 1 })} />
        ))}
      </div>,
    );
  const known: readonly string[] = TOLD;
  const label = known.includes(item.action)
    ? t(`timeline.${item.action as (typeof TOLD)[number]}`, { department })
    : t('timeline.other');
  return (
    <li className={`gov-step gov-step--${item.action}`}>
      <span className="gov-step__dot" aria-hidden="true" />
      <div className="gov-step__body">
        <p className="gov-step__title">{label}</p>
        <p className="gov-step__time">
          <Time iso={item.at} />
        </p>
        {body}
      </div>
    </li>
  );
}

function Rate({ trackingNo }: { trackingNo: string }) {
  const { t } = useTranslation('governance');
  const action = useReportAction(trackingNo);
  const errorMessage = useErrorMessage();
  const [rating, setRating] = useState(0);
  const [tags, setTags] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState(false);
  const ids = { title: useId(), comment: useId(), stars: useId() };
  const offered = rating === 0 ? [] : rating >= 4 ? GOOD_TAGS : rating <= 2 ? BAD_TAGS : [...GOOD_TAGS, ...BAD_TAGS];
  return (
    <Card id={ids.title} title={t('rate.title')}>
      <p className="hint">{t('rate.hint')}</p>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (rating === 0) {
            setMissing(true);
            return;
          }
          action.mutate(
            {
              action: 'rate',
              rating,
              tags: tags.filter((tag) => (offered as readonly string[]).includes(tag)),
              ...(comment.trim() ? { comment: comment.trim() } : {}),
            },
            { onSuccess: () => Toast.show({ content: t('rate.thanks'), icon: 'success' }) },
          );
        }}
      >
        <fieldset className="gov-rating" aria-describedby={missing ? ids.stars : undefined}>
          <legend className="field__label">{t('rate.stars')}</legend>
          <div className="gov-rating__stars">
            {[1, 2, 3, 4, 5].map((n) => (
              <label key={n} className={`gov-rating__star${n <= rating ? ' gov-rating__star--on' : ''}`}>
                <input
                  type="radio"
                  name="rating"
                  value={n}
                  checked={rating === n}
                  onChange={() => {
                    setRating(n);
                    setMissing(false);
                  }}
                />
                <StarFill aria-hidden="true" />
                <span className="visually-hidden">{t('detail.stars', { rating: n })}</span>
              </label>
            ))}
          </div>
          <p className="gov-rating__words" aria-hidden="true">
            {rating ? t(`rate.words.${rating as 1 | 2 | 3 | 4 | 5}`) : ''}
          </p>
          {missing ? (
            <p id={ids.stars} className="form-error" role="alert">
              {t('rate.chooseStars')}
            </p>
          ) : null}
        </fieldset>
        {offered.length > 0 ? (
          <fieldset className="gov-question">
            <legend className="field__label">{t('rate.tagsLabel')}</legend>
            <ul className="chip-list">
              {offered.map((tag) => (
                <li key={tag}>
                  <button
                    type="button"
                    className="chip"
                    aria-pressed={tags.includes(tag)}
                    onClick={() => setTags(tags.includes(tag) ? tags.filter((x) => x !== tag) : [...tags, tag])}
                  >
                    {t(`rate.tags.${tag}`)}
                  </button>
                </li>
              ))}
            </ul>
          </fieldset>
        ) : null}
        <div className="field">
          <label htmlFor={ids.comment} className="field__label">
            {t('rate.comment')} <span className="gov-optional">{t('report.optional')}</span>
          </label>
          <textarea
            id={ids.comment}
            className="field__input gov-textarea"
            rows={3}
            maxLength={1000}
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
          />
        </div>
        {action.isError ? (
          <p className="form-error" role="alert">
            {errorMessage(action.error)}
          </p>
        ) : null}
        <Button type="submit" color="primary" block loading={action.isPending}>
          {t('rate.submit')}
        </Button>
      </form>
    </Card>
  );
}

function ConfirmOrReopen({ report }: { report: MyReportDetail }) {
  const { t } = useTranslation('governance');
  const action = useReportAction(report.trackingNo);
  const errorMessage = useErrorMessage();
  const [reopening, setReopening] = useState(false);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const ids = { title: useId(), reason: useId(), reasonError: useId() };
  const canConfirm = report.allowedActions.includes('confirm');
  const canReopen = report.allowedActions.includes('reopen');
  return (
    <Card id={ids.title} title={t('detail.isItFixed')} className="gov-act">
      <p>{t('detail.isItFixedHint')}</p>
      {report.reopenUntil && canReopen ? (
        <p className="hint">
          {t('detail.reopenUntil')} <Time iso={report.reopenUntil} />
        </p>
      ) : null}
      {action.isError ? (
        <p className="form-error" role="alert">
          {errorMessage(action.error)}
        </p>
      ) : null}
      {reopening ? (
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            if (!reason.trim()) {
              setMissing(true);
              return;
            }
            action.mutate(
              { action: 'reopen', reason: reason.trim() },
              {
                onSuccess: () => {
                  setReopening(false);
                  Toast.show({ content: t('detail.reopened'), icon: 'success' });
                },
              },
            );
          }}
        >
          <div className="field">
            <label htmlFor={ids.reason} className="field__label">
              {t('detail.reopenReason')} <span className="gov-required">{t('report.required')}</span>
            </label>
            <textarea
              id={ids.reason}
              className="field__input gov-textarea"
              rows={3}
              maxLength={1000}
              required
              aria-invalid={missing || undefined}
              aria-describedby={missing ? ids.reasonError : undefined}
              placeholder={t('detail.reopenPlaceholder')}
              value={reason}
              onChange={(e) => {
                setReason(e.currentTarget.value);
                setMissing(false);
              }}
            />
            {missing ? (
              <p id={ids.reasonError} className="form-error" role="alert">
                {t('detail.reopenReasonMissing')}
              </p>
            ) : null}
          </div>
          <div className="gov-act__buttons">
            <Button type="submit" color="danger" loading={action.isPending}>
              {t('detail.reopenSend')}
            </Button>
            <Button fill="none" onClick={() => setReopening(false)}>
              {t('detail.cancel')}
            </Button>
          </div>
        </form>
      ) : (
        <div className="gov-act__buttons">
          {canConfirm ? (
            <Button
              color="primary"
              loading={action.isPending}
              onClick={() =>
                action.mutate(
                  { action: 'confirm' },
                  { onSuccess: () => Toast.show({ content: t('detail.confirmed'), icon: 'success' }) },
                )
              }
            >
              {t('detail.confirm')}
            </Button>
          ) : null}
          {canReopen ? (
            <Button color="danger" fill="outline" onClick={() => setReopening(true)}>
              {t('detail.reopen')}
            </Button>
          ) : null}
        </div>
      )}
    </Card>
  );
}

function Answers({ report }: { report: MyReportDetail }) {
  const { t } = useTranslation('governance');
  const { language } = useSettings();
  const category = useCategoryIndex().get(report.categoryCode);
  const entries = Object.entries(report.attributes);
  if (entries.length === 0) return null;
  return (
    <>
      {entries.map(([code, value]) => {
        const attribute = category?.attributes.find((a) => a.code === code);
        if (!attribute) return null;
        const shown =
          typeof value === 'boolean' ? value ? t('report.yes') : t('report.no') : <Typed text={String(value)} />;
        return (
          <div className="fact-list__row" key={code}>
            <dt>{pick(language, attribute.label_zh, attribute.label_en)}</dt>
            <dd>{shown}</dd>
          </div>
        );
      })}
    </>
  );
}

/** The report detail screen. */
export function ReportDetailScreen() {
  const { trackingNo = '' } = useParams();
  const { t } = useTranslation('governance');
  const report = useMyReport(trackingNo);
  const categoryName = useCategoryName();
  const departmentName = useDepartmentName();
  const ids = { photos: useId(), timeline: useId(), facts: useId() };
  useDocumentTitle(t('detail.title', { trackingNo }));

  if (report.isPending) return <Loading lines={8} />;
  if (report.isError)
    return (
      <div className="page page--narrow">
        <PageHeading title={t('detail.heading')} back />
        <ErrorState error={report.error} onRetry={() => report.refetch()} />
      </div>
    );
  const r = report.data;
  const before = r.photos.filter((p) => p.kind === 'before');
  const department = departmentName(r.departmentCode);
  const tone = statusTone(r.status);
  return (
    <div className="page page--narrow gov-detail">
      <PageHeading title={categoryName(r.categoryCode)} back />
      <section className={`card gov-summary-card gov-summary-card--${tone}`} aria-labelledby={ids.facts}>
        <h2 id={ids.facts} className="visually-hidden">
          {t('detail.summary')}
        </h2>
        <div className="gov-summary-card__top">
          <div>
            <p className="gov-done__label">{t('report.done.tracking')}</p>
            <p className="gov-tracking gov-tracking--medium">{r.trackingNo}</p>
          </div>
          <StatusBadge status={r.status} />
        </div>
        <p className="gov-summary-card__say">{t(`statusHint.${r.status}`)}</p>
        {r.duplicate ? <p className="notice">{t('detail.duplicate')}</p> : null}
        <dl className="fact-list">
          <div className="fact-list__row">
            <dt>{t('detail.reportedAt')}</dt>
            <dd>
              <Time iso={r.createdAt} />
            </dd>
          </div>
          <div className="fact-list__row">
            <dt>{t('detail.department')}</dt>
            <dd>{department ?? t('detail.noDepartment')}</dd>
          </div>
          <div className="fact-list__row">
            <dt>{t('report.description')}</dt>
            <dd>
              <Typed text={r.description} />
            </dd>
          </div>
          {r.address ? (
            <div className="fact-list__row">
              <dt>{t('report.address')}</dt>
              <dd>
                <Typed text={r.address} />
              </dd>
            </div>
          ) : null}
          <Answers report={r} />
          {r.rating ? (
            <div className="fact-list__row">
              <dt>{t('detail.rating')}</dt>
              <dd>
                <Stars rating={r.rating} />
              </dd>
            </div>
          ) : null}
        </dl>
      </section>

      {r.allowedActions.includes('confirm') || r.allowedActions.includes('reopen') ? (
        <ConfirmOrReopen report={r} />
      ) : null}
      {r.allowedActions.includes('rate') ? <Rate trackingNo={r.trackingNo} /> : null}

      <div className="gov-detail__columns">
        <Card id={ids.timeline} title={t('detail.timeline')}>
          <ol className="gov-timeline">
            {[...r.timeline].reverse().map((item) => (
              <Step key={item.seq} item={item} trackingNo={r.trackingNo} />
            ))}
          </ol>
        </Card>
        <Card id={ids.photos} title={t('detail.place')}>
          {before.length > 0 ? (
            <div className="gov-shots">
              {before.map((p, i) => (
                <Photo key={p.id} trackingNo={r.trackingNo} id={p.id} alt={t('detail.beforePhoto', { n: i + 1 })} />
              ))}
            </div>
          ) : (
            <p className="hint">{t('detail.noPhotos')}</p>
          )}
          <CityMap
            city={CITY}
            label={t('detail.mapLabel')}
            points={[{ id: r.trackingNo, lng: r.lon, lat: r.lat, tone: tone === 'done' ? 'done' : 'default' }]}
            height="12rem"
            className="gov-detail__map"
          />
        </Card>
      </div>
    </div>
  );
}
