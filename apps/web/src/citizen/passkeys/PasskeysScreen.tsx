/**
 * "My passkeys": the passkeys that sign this citizen in (刷脸登录), when each was added and last
 * used; adding one on this device — after the citizen has read and agreed to the biometric
 * notice, which the server requires — renaming and removing one.
 */
import { Button, Dialog, Toast } from 'antd-mobile';
import { FaceRecognitionOutline, ScanningFaceOutline } from 'antd-mobile-icons';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Passkey, PrivacyNotice } from '#contracts';
import { ApiError } from '../../shared/api/client.ts';
import {
  PasskeyNotCreated,
  useAddPasskey,
  useBiometricConsent,
  useDeletePasskey,
  useGrantBiometricConsent,
  usePasskeys,
  useRenamePasskey,
} from '../../shared/api/passkeys.ts';
import { passkeysSupported } from '../../shared/api/session.ts';
import { pick } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { Empty, ErrorState, Loading, useErrorMessage } from '../../shared/ui/states.tsx';
import './passkeys.css';

const NAME_MAX = 64;

function useDateTime() {
  const { language } = useSettings();
  const format = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
  return (iso: string) => format.format(new Date(iso));
}

/** The message for a failed passkey action: the device's answer, or the server's. */
function usePasskeyError() {
  const { t } = useTranslation();
  const message = useErrorMessage();
  return (error: unknown) => {
    if (error instanceof PasskeyNotCreated) {
      return error.alreadyRegistered ? t('passkeys.alreadyOnDevice') : t('passkeys.cancelled');
    }
    return message(error);
  };
}

/** What is wrong with a passkey's name, or null. */
function useNameProblem() {
  const { t } = useTranslation();
  return (name: string): string | null => {
    const trimmed = name.trim();
    if (!trimmed) return t('passkeys.nameRequired');
    if (trimmed.length > NAME_MAX) return t('passkeys.nameTooLong', { max: NAME_MAX });
    return null;
  };
}

function RenameForm({ passkey, onDone }: { passkey: Passkey; onDone: () => void }) {
  const { t } = useTranslation();
  const ids = { name: useId(), error: useId() };
  const [name, setName] = useState(passkey.name);
  const [invalid, setInvalid] = useState<string | null>(null);
  const rename = useRenamePasskey();
  const message = useErrorMessage();
  const nameProblem = useNameProblem();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = nameProblem(name);
    setInvalid(problem);
    if (problem) return;
    rename.mutate(
      { id: passkey.id, name: name.trim() },
      {
        onSuccess: () => {
          Toast.show({ content: t('passkeys.renamed'), icon: 'success' });
          onDone();
        },
      },
    );
  };
  const error = invalid ?? (rename.error ? message(rename.error) : null);
  return (
    <form className="form passkey-item__rename" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={ids.name} className="field__label">
          {t('passkeys.newName')}
        </label>
        <input
          id={ids.name}
          className="field__input"
          type="text"
          maxLength={NAME_MAX}
          value={name}
          // biome-ignore lint/a11y/noAutofocus: the field the person just asked to edit
          autoFocus
          aria-invalid={invalid ? true : undefined}
          aria-describedby={error ? ids.error : undefined}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      {error ? (
        <p className="form-error" role="alert" id={ids.error}>
          {error}
        </p>
      ) : null}
      <div className="passkey-item__actions">
        <Button type="submit" color="primary" loading={rename.isPending}>
          {t('passkeys.save')}
        </Button>
        <Button type="button" fill="outline" onClick={onDone}>
          {t('passkeys.cancel')}
        </Button>
      </div>
    </form>
  );
}

function PasskeyItem({ passkey }: { passkey: Passkey }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const [renaming, setRenaming] = useState(false);
  const remove = useDeletePasskey();
  const message = useErrorMessage();
  const titleId = useId();

  const confirmRemove = async () => {
    const confirmed = await Dialog.confirm({
      title: t('passkeys.removeTitle', { name: passkey.name }),
      content: t('passkeys.removeConfirm'),
      confirmText: t('passkeys.remove'),
      cancelText: t('passkeys.cancel'),
    });
    if (!confirmed) return;
    remove.mutate(passkey.id, {
      onSuccess: () => Toast.show({ content: t('passkeys.removed'), icon: 'success' }),
    });
  };

  return (
    <li className="passkey-item">
      <div className="passkey-item__head">
        <ScanningFaceOutline className="passkey-item__icon" aria-hidden="true" />
        <h3 id={titleId} className="passkey-item__name">
          {passkey.name}
        </h3>
        {passkey.backedUp ? <span className="badge badge--success">{t('passkeys.synced')}</span> : null}
      </div>
      <dl className="fact-list passkey-item__facts">
        <div className="fact-list__row">
          <dt>{t('passkeys.created')}</dt>
          <dd>
            <time dateTime={passkey.createdAt}>{dateTime(passkey.createdAt)}</time>
          </dd>
        </div>
        <div className="fact-list__row">
          <dt>{t('passkeys.lastUsed')}</dt>
          <dd>
            {passkey.lastUsedAt ? (
              <time dateTime={passkey.lastUsedAt}>{dateTime(passkey.lastUsedAt)}</time>
            ) : (
              t('passkeys.neverUsed')
            )}
          </dd>
        </div>
      </dl>
      {renaming ? (
        <RenameForm passkey={passkey} onDone={() => setRenaming(false)} />
      ) : (
        <div className="passkey-item__actions">
          <button
            type="button"
            className="text-button"
            aria-label={t('passkeys.renameNamed', { name: passkey.name })}
            onClick={() => setRenaming(true)}
          >
            {t('passkeys.rename')}
          </button>
          <button
            type="button"
            className="text-button text-button--danger"
            aria-label={t('passkeys.removeNamed', { name: passkey.name })}
            disabled={remove.isPending}
            onClick={confirmRemove}
          >
            {t('passkeys.remove')}
          </button>
        </div>
      )}
      {remove.error ? (
        <p className="form-error" role="alert">
          {message(remove.error)}
        </p>
      ) : null}
    </li>
  );
}

function BiometricNotice({ notice }: { notice: PrivacyNotice }) {
  const { language } = useSettings();
  const { t } = useTranslation();
  const titleId = useId();
  return (
    <section className="passkey-notice" aria-labelledby={titleId}>
      <h3 id={titleId} className="passkey-notice__title">
        {pick(language, notice.titleZh, notice.titleEn)}
      </h3>
      <p className="passkey-notice__version hint">{t('passkeys.noticeVersion', { version: notice.version })}</p>
      {pick(language, notice.bodyZh, notice.bodyEn)
        .split(/\n+/)
        .filter((line) => line.trim())
        .map((line) => (
          <p key={line}>{line}</p>
        ))}
    </section>
  );
}

/** Whether this looks like a phone or tablet, for the name a new passkey is offered. */
function onMobile(): boolean {
  return typeof navigator !== 'undefined' && /Android|iPhone|iPad|Mobile/i.test(navigator.userAgent);
}

function AddPasskey({ onAdded }: { onAdded: () => void }) {
  const { t } = useTranslation();
  const ids = { title: useId(), name: useId(), error: useId(), agree: useId() };
  const consent = useBiometricConsent();
  const grant = useGrantBiometricConsent();
  const add = useAddPasskey();
  const passkeyError = usePasskeyError();
  const nameProblem = useNameProblem();
  const [name, setName] = useState(() => (onMobile() ? t('passkeys.defaultPhone') : t('passkeys.defaultComputer')));
  const [agree, setAgree] = useState(false);
  const [invalid, setInvalid] = useState<string | null>(null);

  if (consent.isPending) return <Loading lines={3} />;
  if (consent.isError) return <ErrorState error={consent.error} onRetry={() => consent.refetch()} />;
  const { notice, agreed } = consent.data;
  const needsConsent = !agreed;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = nameProblem(name);
    if (problem) {
      setInvalid(problem);
      return;
    }
    if (needsConsent && !agree) {
      setInvalid(t('passkeys.agreeRequired'));
      return;
    }
    setInvalid(null);
    add.reset();
    try {
      if (needsConsent && notice) await grant.mutateAsync(notice.version);
      await add.mutateAsync(name.trim());
    } catch {
      // Shown below from the mutations' errors.
      return;
    }
    Toast.show({ content: t('passkeys.added'), icon: 'success' });
    onAdded();
  };

  const failure = grant.error ?? add.error;
  const error = invalid ?? (failure ? passkeyError(failure) : null);
  const consentWithdrawn = failure instanceof ApiError && failure.code === 'CONSENT_REQUIRED';
  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby={ids.title}>
      <h2 id={ids.title} className="card__title">
        {t('passkeys.addTitle')}
      </h2>
      <p className="hint">{t('passkeys.addHint')}</p>
      <div className="field">
        <label htmlFor={ids.name} className="field__label">
          {t('passkeys.name')}
        </label>
        <input
          id={ids.name}
          className="field__input"
          type="text"
          maxLength={NAME_MAX}
          value={name}
          aria-invalid={invalid && !name.trim() ? true : undefined}
          aria-describedby={error ? ids.error : undefined}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      {needsConsent && notice ? (
        <div className="passkey-consent">
          <p className="passkey-consent__lead">{t('passkeys.consentLead')}</p>
          <BiometricNotice notice={notice} />
          <label className="passkey-consent__agree" htmlFor={ids.agree}>
            <input
              id={ids.agree}
              type="checkbox"
              checked={agree}
              aria-describedby={error ? ids.error : undefined}
              onChange={(e) => setAgree(e.target.checked)}
            />
            <span>{t('passkeys.agree')}</span>
          </label>
        </div>
      ) : (
        <p className="hint passkey-consent__given">{t('passkeys.consentGiven')}</p>
      )}
      {error ? (
        <p className="form-error" role="alert" id={ids.error}>
          {consentWithdrawn ? t('passkeys.consentMissing') : error}
        </p>
      ) : null}
      <Button block type="submit" color="primary" size="large" loading={grant.isPending || add.isPending}>
        <FaceRecognitionOutline aria-hidden="true" className="button-icon" />
        {needsConsent ? t('passkeys.agreeAndAdd') : t('passkeys.add')}
      </Button>
    </form>
  );
}

/** The "my passkeys" screen (signed-in citizens only). */
export function PasskeysScreen() {
  const { t } = useTranslation();
  const passkeys = usePasskeys();
  const [adding, setAdding] = useState(false);
  const listTitle = useId();
  useDocumentTitle(t('passkeys.title'));
  const supported = passkeysSupported();

  const items = passkeys.data?.items ?? [];
  return (
    <div className="page page--narrow passkeys">
      <PageHeading title={t('passkeys.title')} back />
      <p className="lead">{t('passkeys.intro')}</p>
      <section className="card" aria-labelledby={listTitle}>
        <h2 id={listTitle} className="card__title">
          {t('passkeys.listTitle')}
        </h2>
        {passkeys.isPending ? (
          <Loading lines={3} />
        ) : passkeys.isError ? (
          <ErrorState error={passkeys.error} onRetry={() => passkeys.refetch()} />
        ) : items.length === 0 ? (
          <Empty title={t('passkeys.empty')} hint={t('passkeys.emptyHint')} />
        ) : (
          <ul className="passkey-list">
            {items.map((passkey) => (
              <PasskeyItem key={passkey.id} passkey={passkey} />
            ))}
          </ul>
        )}
      </section>
      {!supported ? (
        <p className="notice" role="note">
          {t('passkeys.unsupported')}
        </p>
      ) : adding ? (
        <section className="card">
          <AddPasskey onAdded={() => setAdding(false)} />
          <Button block fill="none" onClick={() => setAdding(false)}>
            {t('passkeys.cancel')}
          </Button>
        </section>
      ) : (
        <Button block size="large" color="primary" fill="outline" onClick={() => setAdding(true)}>
          <FaceRecognitionOutline aria-hidden="true" className="button-icon" />
          {t('passkeys.addOnDevice')}
        </Button>
      )}
      <p className="hint">{t('passkeys.privacy')}</p>
    </div>
  );
}
