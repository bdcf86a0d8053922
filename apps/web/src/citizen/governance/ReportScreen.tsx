/**
 * Report a problem (随手拍): photos, the place (my location after consent, corrected on the
 * map), what is wrong — from which a category is suggested — the category's extra questions,
 * then the tracking number to follow it by.
 */
import { Button } from 'antd-mobile';
import { CheckCircleFill } from 'antd-mobile-icons';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../../shared/api/client.ts';
import {
  type CategoryAttribute,
  type SubmittedReport,
  useCategorySuggestion,
  useReportCategories,
  useSubmitReport,
} from '../../shared/api/reports.ts';
import { pick } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { ErrorState, Loading, useErrorMessage } from '../../shared/ui/states.tsx';
import { Card, newIdempotencyKey, StatusBadge, useCategoryIndex, useCategoryName } from './common.tsx';
import { LocationPicker, type Point } from './LocationPicker.tsx';
import { type PhotoItem, PhotoPicker } from './PhotoPicker.tsx';
import './governance.css';

const MAX_DESCRIPTION = 2000;
const SUGGEST_DELAY_MS = 500;

type Answer = boolean | number | string;

/** `value` once it has stopped changing for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

function Question({
  attribute,
  value,
  onChange,
  invalid,
}: {
  attribute: CategoryAttribute;
  value: Answer | undefined;
  onChange: (value: Answer | undefined) => void;
  invalid: boolean;
}) {
  const { t } = useTranslation('governance');
  const { language } = useSettings();
  const id = useId();
  const label = pick(language, attribute.label_zh, attribute.label_en);
  const required = attribute.required ? <span className="gov-required">{t('report.required')}</span> : null;
  if (attribute.type === 'boolean') {
    return (
      <fieldset className="gov-question" aria-invalid={invalid || undefined}>
        <legend className="field__label">
          {label} {required}
        </legend>
        <div className="gov-choice">
          {([true, false] as const).map((choice) => (
            <label key={String(choice)} className="gov-choice__option">
              <input
                type="radio"
                name={id}
                checked={value === choice}
                onChange={() => onChange(choice)}
                required={attribute.required}
              />
              <span>{choice ? t('report.yes') : t('report.no')}</span>
            </label>
          ))}
        </div>
      </fieldset>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {label} {required}
      </label>
      <input
        id={id}
        className="field__input"
        type={attribute.type === 'number' ? 'number' : 'text'}
        inputMode={attribute.type === 'number' ? 'decimal' : undefined}
        min={attribute.type === 'number' ? 0 : undefined}
        maxLength={attribute.type === 'string' ? 500 : undefined}
        required={attribute.required}
        aria-invalid={invalid || undefined}
        value={value === undefined ? '' : String(value)}
        onChange={(event) => {
          const text = event.currentTarget.value;
          if (text === '') onChange(undefined);
          else onChange(attribute.type === 'number' ? Number(text) : text);
        }}
      />
    </div>
  );
}

function Submitted({ result, onAnother }: { result: SubmittedReport; onAnother: () => void }) {
  const { t } = useTranslation('governance');
  const categoryName = useCategoryName();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="page page--narrow">
      <section className="card gov-done" aria-labelledby="report-done">
        <CheckCircleFill className="gov-done__icon" aria-hidden="true" />
        <h1 id="report-done" className="gov-done__title" tabIndex={-1} ref={heading}>
          {t('report.done.title')}
        </h1>
        <p className="gov-done__label">{t('report.done.tracking')}</p>
        <p className="gov-tracking gov-tracking--large" data-testid="tracking-no">
          {result.trackingNo}
        </p>
        <p className="hint">{t('report.done.keep')}</p>
        <dl className="fact-list gov-done__facts">
          <div className="fact-list__row">
            <dt>{t('report.category')}</dt>
            <dd>{categoryName(result.categoryCode)}</dd>
          </div>
          <div className="fact-list__row">
            <dt>{t('detail.status')}</dt>
            <dd>
              <StatusBadge status={result.status} />
            </dd>
          </div>
        </dl>
        {result.duplicateOf ? (
          <p className="notice">{t('report.done.duplicate', { trackingNo: result.duplicateOf })}</p>
        ) : (
          <p className="notice">
            {t(result.status === 'dispatched' ? 'report.done.dispatched' : 'report.done.queued')}
          </p>
        )}
        <div className="gov-done__actions">
          <Link className="gov-button gov-button--primary" to={`/me/reports/${result.trackingNo}`}>
            {t('report.done.follow')}
          </Link>
          <button type="button" className="gov-button" onClick={onAnother}>
            {t('report.done.another')}
          </button>
        </div>
      </section>
    </div>
  );
}

interface Problems {
  photos?: string;
  location?: string;
  description?: string;
  category?: string;
  questions?: string[];
}

/** The report form. */
export function ReportScreen() {
  const { t } = useTranslation('governance');
  const { language } = useSettings();
  const groups = useReportCategories();
  const categories = useCategoryIndex();
  const submit = useSubmitReport();
  const errorMessage = useErrorMessage();
  const [photos, setPhotos] = useState<PhotoItem[]>([]);
  const [point, setPoint] = useState<Point | null>(null);
  const [address, setAddress] = useState('');
  const [description, setDescription] = useState('');
  const [categoryCode, setCategoryCode] = useState('');
  const [chosenByHand, setChosenByHand] = useState(false);
  const [answers, setAnswers] = useState<Record<string, Answer>>({});
  const [problems, setProblems] = useState<Problems>({});
  const [result, setResult] = useState<SubmittedReport | null>(null);
  const [key, setKey] = useState(newIdempotencyKey);
  const summary = useRef<HTMLDivElement>(null);
  const ids = {
    photos: useId(),
    photosHint: useId(),
    place: useId(),
    placeHint: useId(),
    what: useId(),
    description: useId(),
    descriptionHint: useId(),
    category: useId(),
    address: useId(),
  };
  useDocumentTitle(result ? t('report.done.title') : t('report.title'));

  const suggestion = useCategorySuggestion(useDebounced(description, SUGGEST_DELAY_MS));
  const suggestions = suggestion.data?.suggestions ?? [];
  // A confident suggestion is preselected until the citizen picks a category themself.
  useEffect(() => {
    const best = suggestion.data?.suggestions[0];
    if (!chosenByHand && suggestion.data?.confident && best) setCategoryCode(best.code);
  }, [suggestion.data, chosenByHand]);

  const category = categoryCode ? categories.get(categoryCode) : undefined;
  const uploading = photos.some((p) => p.state === 'uploading');

  const reset = () => {
    for (const photo of photos) URL.revokeObjectURL(photo.preview);
    setPhotos([]);
    setPoint(null);
    setAddress('');
    setDescription('');
    setCategoryCode('');
    setChosenByHand(false);
    setAnswers({});
    setProblems({});
    setResult(null);
    setKey(newIdempotencyKey());
    submit.reset();
    window.scrollTo(0, 0);
  };

  if (result) return <Submitted result={result} onAnother={reset} />;

  const choose = (code: string) => {
    setCategoryCode(code);
    setChosenByHand(true);
    setProblems((p) => ({ ...p, category: undefined, questions: undefined }));
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found: Problems = {};
    if (photos.some((p) => p.state === 'failed')) found.photos = t('report.problems.photoFailed');
    if (!point) found.location = t('report.problems.location');
    if (!description.trim()) found.description = t('report.problems.description');
    if (!category) found.category = t('report.problems.category');
    const missing = (category?.attributes ?? [])
      .filter((a) => a.required && answers[a.code] === undefined)
      .map((a) => pick(language, a.label_zh, a.label_en));
    if (missing.length) found.questions = missing;
    setProblems(found);
    if (Object.keys(found).length > 0 || !point || !category) {
      summary.current?.focus();
      return;
    }
    const attributes = Object.fromEntries(
      category.attributes.filter((a) => answers[a.code] !== undefined).map((a) => [a.code, answers[a.code] as Answer]),
    );
    submit.mutate(
      {
        idempotencyKey: key,
        report: {
          categoryCode: category.code,
          description: description.trim(),
          lat: point.lat,
          lon: point.lng,
          ...(address.trim() ? { address: address.trim() } : {}),
          attributes,
          photoIds: photos.flatMap((p) => (p.uploadId ? [p.uploadId] : [])),
        },
      },
      {
        onSuccess: (answer) => {
          setResult(answer);
          window.scrollTo(0, 0);
        },
        onError: (error) => {
          // A refused report may be sent again as it is; anything the server saw must get a new key.
          if (error instanceof ApiError && error.status !== 0 && error.status < 500) setKey(newIdempotencyKey());
          summary.current?.focus();
        },
      },
    );
  };

  const problemList = [
    problems.photos,
    problems.location,
    problems.description,
    problems.category,
    ...(problems.questions ?? []).map((q) => t('report.problems.question', { question: q })),
  ].filter((p): p is string => !!p);
  const serverError = submit.error;

  return (
    <div className="page page--narrow gov-report">
      <PageHeading title={t('report.title')} back />
      <p className="lead">{t('report.intro')}</p>
      <form className="form gov-report__form" onSubmit={onSubmit} noValidate>
        <div ref={summary} tabIndex={-1} className="gov-summary">
          {problemList.length > 0 ? (
            <div className="form-error" role="alert">
              <p>{t('report.problems.title')}</p>
              <ul>
                {problemList.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          ) : serverError ? (
            <div className="form-error" role="alert">
              <p>{errorMessage(serverError)}</p>
              {serverError instanceof ApiError && serverError.errors.length > 0 ? (
                <ul>
                  {serverError.errors.map((f) => (
                    <li key={f.field}>{f.message}</li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
        </div>

        <Card id={ids.photos} title={t('report.photos.title')}>
          <p id={ids.photosHint} className="hint">
            {t('report.photos.hint')}
          </p>
          <PhotoPicker items={photos} setItems={setPhotos} describedBy={ids.photosHint} />
        </Card>

        <Card id={ids.place} title={t('report.location.title')}>
          <p id={ids.placeHint} className="hint">
            {t('report.location.hint')}
          </p>
          <LocationPicker
            value={point}
            onChange={(p) => {
              setPoint(p);
              setProblems((x) => ({ ...x, location: undefined }));
            }}
            describedBy={ids.placeHint}
            invalid={!!problems.location}
          />
          <div className="field">
            <label htmlFor={ids.address} className="field__label">
              {t('report.address')} <span className="gov-optional">{t('report.optional')}</span>
            </label>
            <input
              id={ids.address}
              className="field__input"
              maxLength={200}
              autoComplete="off"
              placeholder={t('report.addressPlaceholder')}
              value={address}
              onChange={(e) => setAddress(e.currentTarget.value)}
            />
          </div>
        </Card>

        <Card id={ids.what} title={t('report.what')}>
          <div className="field">
            <label htmlFor={ids.description} className="field__label">
              {t('report.description')} <span className="gov-required">{t('report.required')}</span>
            </label>
            <textarea
              id={ids.description}
              className="field__input gov-textarea"
              rows={4}
              maxLength={MAX_DESCRIPTION}
              required
              aria-invalid={!!problems.description || undefined}
              aria-describedby={ids.descriptionHint}
              placeholder={t('report.descriptionPlaceholder')}
              value={description}
              onChange={(e) => {
                setDescription(e.currentTarget.value);
                if (problems.description) setProblems((x) => ({ ...x, description: undefined }));
              }}
            />
            <p id={ids.descriptionHint} className="hint gov-counter">
              {t('report.descriptionCount', { count: description.length, max: MAX_DESCRIPTION })}
            </p>
          </div>

          <div className="gov-suggest" aria-live="polite">
            {suggestions.length > 0 ? (
              <>
                <p className="gov-suggest__label">{t('report.suggested')}</p>
                <ul className="chip-list">
                  {suggestions.map((s) => (
                    <li key={s.code}>
                      <button
                        type="button"
                        className="chip"
                        aria-pressed={categoryCode === s.code}
                        onClick={() => choose(s.code)}
                      >
                        {pick(language, s.nameZh, s.nameEn)}
                      </button>
                    </li>
                  ))}
                </ul>
              </>
            ) : suggestion.data && description.trim().length >= 2 ? (
              <p className="hint">{t('report.noSuggestion')}</p>
            ) : null}
          </div>

          <div className="field">
            <label htmlFor={ids.category} className="field__label">
              {t('report.category')} <span className="gov-required">{t('report.required')}</span>
            </label>
            {groups.isPending ? (
              <Loading lines={1} />
            ) : groups.isError ? (
              <ErrorState error={groups.error} onRetry={() => groups.refetch()} />
            ) : (
              <select
                id={ids.category}
                className="field__input gov-select"
                value={categoryCode}
                required
                aria-invalid={!!problems.category || undefined}
                onChange={(e) => choose(e.currentTarget.value)}
              >
                <option value="">{t('report.chooseCategory')}</option>
                {groups.data.map((group) => (
                  <optgroup key={group.code} label={pick(language, group.nameZh, group.nameEn)}>
                    {group.categories.map((c) => (
                      <option key={c.code} value={c.code}>
                        {pick(language, c.nameZh, c.nameEn)}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            )}
            {category && !chosenByHand ? <p className="hint">{t('report.categoryFromText')}</p> : null}
          </div>

          {category && category.attributes.length > 0 ? (
            <div className="gov-questions">
              {category.attributes.map((attribute) => (
                <Question
                  key={`${category.code}:${attribute.code}`}
                  attribute={attribute}
                  value={answers[attribute.code]}
                  invalid={!!problems.questions && attribute.required && answers[attribute.code] === undefined}
                  onChange={(value) =>
                    setAnswers((all) => {
                      const next = { ...all };
                      if (value === undefined) delete next[attribute.code];
                      else next[attribute.code] = value;
                      return next;
                    })
                  }
                />
              ))}
            </div>
          ) : null}
        </Card>

        <div className="gov-submit">
          <p className="hint">{t('report.privacyNote')}</p>
          <Button
            type="submit"
            color="primary"
            size="large"
            block
            loading={submit.isPending}
            disabled={uploading}
            loadingText={t('report.submitting')}
          >
            {uploading ? t('report.waitForUploads') : t('report.submit')}
          </Button>
        </div>
      </form>
    </div>
  );
}
