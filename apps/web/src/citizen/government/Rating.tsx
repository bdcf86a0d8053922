/**
 * Rating a finished application (好差评): one to five stars, tags, a comment. A rating of two or
 * less opens a rectification task for the department; its outcome shows here once it is done.
 */
import { Button, TextArea } from 'antd-mobile';
import { StarFill, StarOutline } from 'antd-mobile-icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type RatingView, useRate, useRating, useRatingTags } from '../../shared/api/applications.ts';
import { pick } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import { ErrorState, Loading, useErrorMessage } from '../../shared/ui/states.tsx';
import { langOf, useDates } from './status.tsx';

function Stars({ score }: { score: number }) {
  const { t } = useTranslation('government');
  return (
    <span className="gov-stars" role="img" aria-label={t('rating.scoreOf', { score })}>
      {[1, 2, 3, 4, 5].map((n) =>
        n <= score ? (
          <StarFill key={n} aria-hidden="true" className="gov-stars__on" />
        ) : (
          <StarOutline key={n} aria-hidden="true" className="gov-stars__off" />
        ),
      )}
    </span>
  );
}

function Rated({ rating }: { rating: RatingView }) {
  const { t } = useTranslation('government');
  const { language } = useSettings();
  const tags = useRatingTags();
  const dates = useDates();
  const names = new Map((tags.data ?? []).map((tag) => [tag.code, pick(language, tag.nameZh, tag.nameEn)]));
  return (
    <>
      <p className="gov-rated">
        <Stars score={rating.score} />
        <span className="hint">{dates.date(rating.createdAt)}</span>
      </p>
      {rating.tags.length ? (
        <ul className="chip-list">
          {rating.tags.map((tag) => (
            <li key={tag} className="badge">
              {names.get(tag) ?? tag}
            </li>
          ))}
        </ul>
      ) : null}
      {rating.comment ? (
        <p className="gov-timeline__quote" lang={langOf(rating.comment)}>
          {rating.comment}
        </p>
      ) : null}
      {rating.rectification ? (
        <div className={rating.rectification.status === 'done' ? 'notice' : 'notice gov-notice--warning'}>
          <p className="gov-outcome__title">
            {rating.rectification.status === 'done' ? t('rating.rectified') : t('rating.rectifying')}
          </p>
          {rating.rectification.status === 'done' && rating.rectification.outcome ? (
            <p lang={langOf(rating.rectification.outcome)}>{rating.rectification.outcome}</p>
          ) : (
            <p>{t('rating.rectifyBy', { date: dates.date(rating.rectification.dueAt) })}</p>
          )}
        </div>
      ) : null}
    </>
  );
}

function RateForm({ id }: { id: string }) {
  const { t } = useTranslation('government');
  const { language } = useSettings();
  const tags = useRatingTags();
  const rate = useRate(id);
  const messageOf = useErrorMessage();
  const [score, setScore] = useState(0);
  const [chosen, setChosen] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const shown = (tags.data ?? []).filter((tag) => (score === 0 ? true : score <= 3 ? tag.negative : !tag.negative));
  return (
    <form
      className="gov-rate"
      onSubmit={(e) => {
        e.preventDefault();
        if (score === 0) return;
        rate.mutate({
          score,
          tags: chosen.filter((c) => shown.some((tag) => tag.code === c)),
          ...(comment.trim() ? { comment: comment.trim() } : {}),
        });
      }}
    >
      <fieldset className="gov-fieldset">
        <legend className="field__label">{t('rating.score')}</legend>
        <div className="gov-star-input">
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} className="gov-star-input__star">
              <input
                type="radio"
                name="score"
                value={n}
                checked={score === n}
                onChange={() => setScore(n)}
                className="visually-hidden"
              />
              {n <= score ? <StarFill aria-hidden="true" /> : <StarOutline aria-hidden="true" />}
              <span className="visually-hidden">{t('rating.scoreOf', { score: n })}</span>
            </label>
          ))}
          <span className="gov-star-input__words" aria-hidden="true">
            {score ? t(`rating.words.${score as 1 | 2 | 3 | 4 | 5}`) : ''}
          </span>
        </div>
      </fieldset>
      {tags.isError ? <ErrorState error={tags.error} onRetry={() => tags.refetch()} /> : null}
      {score > 0 && shown.length ? (
        <fieldset className="gov-fieldset">
          <legend className="field__label">{t('rating.tags')}</legend>
          <ul className="chip-list">
            {shown.map((tag) => {
              const on = chosen.includes(tag.code);
              return (
                <li key={tag.code}>
                  <button
                    type="button"
                    className="chip"
                    aria-pressed={on}
                    onClick={() => setChosen(on ? chosen.filter((c) => c !== tag.code) : [...chosen, tag.code])}
                  >
                    {pick(language, tag.nameZh, tag.nameEn)}
                  </button>
                </li>
              );
            })}
          </ul>
        </fieldset>
      ) : null}
      {score > 0 ? (
        <div className="field">
          <label htmlFor="rating-comment" className="field__label">
            {t('rating.comment')}
          </label>
          <TextArea id="rating-comment" value={comment} onChange={setComment} rows={3} maxLength={500} showCount />
        </div>
      ) : null}
      {rate.isError ? (
        <p className="form-error" role="alert">
          {messageOf(rate.error)}
        </p>
      ) : null}
      <Button type="submit" color="primary" block disabled={score === 0} loading={rate.isPending}>
        {t('rating.send')}
      </Button>
    </form>
  );
}

/** The rating section of a finished application. */
export function Rating({ id }: { id: string }) {
  const { t } = useTranslation('government');
  const rating = useRating(id, true);
  return (
    <section className="card" aria-labelledby="rating-title">
      <h2 id="rating-title" className="card__title">
        {t('rating.title')}
      </h2>
      {rating.isPending ? (
        <Loading lines={2} />
      ) : rating.isError ? (
        <ErrorState error={rating.error} onRetry={() => rating.refetch()} />
      ) : rating.data ? (
        <Rated rating={rating.data} />
      ) : (
        <>
          <p className="hint">{t('rating.intro')}</p>
          <RateForm id={id} />
        </>
      )}
    </section>
  );
}
