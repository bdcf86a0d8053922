/**
 * Sign-in: a passkey (the device checks the face or fingerprint: 刷脸登录) or a one-time code
 * sent to a phone or e-mail address. After signing in the citizen goes where they were going
 * (`?next=`, a path inside the app).
 */

import { Button, Toast } from 'antd-mobile';
import { FaceRecognitionOutline } from 'antd-mobile-icons';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import type { OtpChannel } from '#contracts';
import { ApiError } from '../../shared/api/client.ts';
import {
  devMailboxHolds,
  PasskeyCancelled,
  passkeysSupported,
  usePasskeySignIn,
  useRequestCode,
  useSession,
  useVerifyCode,
} from '../../shared/api/session.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { Loading, useErrorMessage } from '../../shared/ui/states.tsx';

const RESEND_SECONDS = 60;

/** Where to go after signing in: only paths inside this app. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/me';
}

function normalisedPhone(value: string): string | null {
  const digits = value.replace(/[\s-]/g, '').replace(/^(\+?86)/, '');
  return /^1\d{10}$/.test(digits) ? digits : null;
}

function validDestination(channel: OtpChannel, value: string): string | null {
  if (channel === 'sms') return normalisedPhone(value);
  const email = value.trim();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null;
}

function useCountdown(): [number, () => void] {
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (left <= 0) return;
    const timer = setTimeout(() => setLeft(left - 1), 1000);
    return () => clearTimeout(timer);
  }, [left]);
  return [left, () => setLeft(RESEND_SECONDS)];
}

function FormError({ error, id }: { error: unknown; id: string }) {
  const message = useErrorMessage();
  if (!error) return null;
  const fields = error instanceof ApiError ? error.errors : [];
  return (
    <div className="form-error" role="alert" id={id}>
      <p>{message(error)}</p>
      {fields.length > 0 ? (
        <ul>
          {fields.map((f) => (
            <li key={f.field}>{f.message}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function PasskeySignIn({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const passkey = usePasskeySignIn();
  const message = useErrorMessage();
  const error = passkey.error;
  return (
    <div className="passkey">
      <Button
        block
        size="large"
        color="primary"
        loading={passkey.isPending}
        onClick={() => passkey.mutate(undefined, { onSuccess: onDone })}
      >
        <FaceRecognitionOutline aria-hidden="true" className="button-icon" />
        {t('signIn.passkey')}
      </Button>
      <p className="hint">{t('signIn.passkeyHint')}</p>
      {error ? (
        <p className="form-error" role="alert">
          {error instanceof PasskeyCancelled ? t('signIn.passkeyCancelled') : message(error)}
        </p>
      ) : null}
    </div>
  );
}

function CodeSignIn({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const ids = { destination: useId(), code: useId(), error: useId(), hint: useId() };
  const [channel, setChannel] = useState<OtpChannel>('sms');
  const [destination, setDestination] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [expires, setExpires] = useState(0);
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [development, setDevelopment] = useState(false);
  const [resendIn, startCountdown] = useCountdown();
  const request = useRequestCode();
  const verify = useVerifyCode();

  const send = async (event?: FormEvent) => {
    event?.preventDefault();
    const valid = validDestination(channel, destination);
    if (!valid) {
      setInvalid(channel === 'sms' ? t('signIn.invalidPhone') : t('signIn.invalidEmail'));
      return;
    }
    setInvalid(null);
    request.mutate(
      { channel, destination: valid },
      {
        onSuccess: async (answer) => {
          setSentTo(valid);
          setExpires(Math.round(answer.expiresInSeconds / 60));
          setCode('');
          startCountdown();
          setDevelopment(await devMailboxHolds(valid));
        },
      },
    );
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!sentTo) return;
    if (!/^\d{6}$/.test(code)) {
      setInvalid(t('signIn.invalidCode'));
      return;
    }
    setInvalid(null);
    verify.mutate({ channel, destination: sentTo, code }, { onSuccess: onDone });
  };

  if (!sentTo) {
    return (
      <form className="form" onSubmit={send} noValidate>
        <fieldset className="segmented segmented--block">
          <legend className="visually-hidden">{t('signIn.channel')}</legend>
          {(['sms', 'email'] as const).map((value) => (
            <button
              key={value}
              type="button"
              className="segmented__item"
              aria-pressed={channel === value}
              onClick={() => {
                setChannel(value);
                setDestination('');
                setInvalid(null);
              }}
            >
              {t(`signIn.by.${value}`)}
            </button>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={ids.destination} className="field__label">
            {channel === 'sms' ? t('signIn.phone') : t('signIn.email')}
          </label>
          <input
            id={ids.destination}
            className="field__input"
            type={channel === 'sms' ? 'tel' : 'email'}
            inputMode={channel === 'sms' ? 'numeric' : 'email'}
            autoComplete={channel === 'sms' ? 'tel-national' : 'email'}
            placeholder={channel === 'sms' ? t('signIn.phonePlaceholder') : t('signIn.emailPlaceholder')}
            value={destination}
            aria-invalid={invalid ? true : undefined}
            aria-describedby={invalid || request.error ? ids.error : undefined}
            onChange={(e) => setDestination(e.target.value)}
          />
        </div>
        {invalid ? (
          <p className="form-error" role="alert" id={ids.error}>
            {invalid}
          </p>
        ) : (
          <FormError error={request.error} id={ids.error} />
        )}
        <Button block type="submit" color="primary" fill="outline" size="large" loading={request.isPending}>
          {t('signIn.sendCode')}
        </Button>
      </form>
    );
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <p className="notice" id={ids.hint}>
        {t('signIn.codeSent', { destination: sentTo, minutes: expires })}
      </p>
      {development ? (
        <div className="notice notice--dev" role="note">
          <strong>{t('signIn.devTitle')}</strong>
          <p>{t('signIn.devBody')}</p>
          <a href={`/api/v1/dev/mailbox?destination=${encodeURIComponent(sentTo)}`} target="_blank" rel="noreferrer">
            {t('signIn.devMailbox')}
          </a>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={ids.code} className="field__label">
          {t('signIn.code')}
        </label>
        <input
          id={ids.code}
          className="field__input field__input--code"
          type="text"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          pattern="\d{6}"
          value={code}
          aria-invalid={invalid ? true : undefined}
          aria-describedby={`${ids.hint}${invalid || verify.error ? ` ${ids.error}` : ''}`}
          onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))}
        />
      </div>
      {invalid ? (
        <p className="form-error" role="alert" id={ids.error}>
          {invalid}
        </p>
      ) : (
        <FormError error={verify.error ?? request.error} id={ids.error} />
      )}
      <Button block type="submit" color="primary" size="large" loading={verify.isPending}>
        {t('signIn.submit')}
      </Button>
      <div className="form__secondary">
        <button
          type="button"
          className="text-button"
          disabled={resendIn > 0 || request.isPending}
          onClick={() => send()}
        >
          {resendIn > 0 ? t('signIn.resendIn', { seconds: resendIn }) : t('signIn.resend')}
        </button>
        <button
          type="button"
          className="text-button"
          onClick={() => {
            setSentTo(null);
            setCode('');
            setInvalid(null);
            verify.reset();
            request.reset();
          }}
        >
          {channel === 'sms' ? t('signIn.changePhone') : t('signIn.changeEmail')}
        </button>
      </div>
    </form>
  );
}

/** The sign-in screen. */
export function SignInScreen() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const session = useSession();
  const next = safeNext(params.get('next'));
  useDocumentTitle(t('signIn.title'));
  const done = () => {
    Toast.show({ content: t('signIn.welcome'), icon: 'success' });
    navigate(next, { replace: true });
  };
  if (session.isPending) return <Loading />;
  if (session.data) return <Navigate to={next} replace />;
  return (
    <div className="page page--narrow sign-in">
      <PageHeading title={t('signIn.title')} back />
      <p className="lead">{params.get('next') && next !== '/me' ? t('signIn.introNext') : t('signIn.intro')}</p>
      {passkeysSupported() ? (
        <section className="card" aria-labelledby="passkey-title">
          <h2 id="passkey-title" className="card__title">
            {t('signIn.passkeyTitle')}
          </h2>
          <PasskeySignIn onDone={done} />
        </section>
      ) : null}
      <section className="card" aria-labelledby="code-title">
        <h2 id="code-title" className="card__title">
          {t('signIn.codeTitle')}
        </h2>
        <CodeSignIn onDone={done} />
      </section>
      <p className="hint">{t('signIn.newAccount')}</p>
    </div>
  );
}
