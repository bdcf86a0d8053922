/**
 * Staff sign-in: user name and password, then the six-digit code of the authenticator app. At
 * the first sign-in the initial password is replaced and an authenticator app is set up (a QR
 * code of the otpauth URI, and the secret for typing in). Afterwards the person goes back to
 * where they were (`?next=`, a workbench path).
 */
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { Button, Form, Input, Steps } from 'antd';
import { QRCodeSVG } from 'qrcode.react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useSearchParams } from 'react-router';
import type { StaffNextStep } from '#contracts';
import {
  useChangePassword,
  useEnrollTotp,
  useStaffSession,
  useStaffSignIn,
  useStaffSignOut,
  useVerifyTotp,
} from '../../shared/api/staff.ts';
import { StaffLanguageSwitch } from '../Layout.tsx';
import { FormAlert, StaffError, StaffLoading, useStaffTitle } from '../ui.tsx';

/** Where to go after signing in: only workbench paths. */
/** Where to go after signing in: back into a staff area of this app (workbench, operations, administration), never elsewhere. */
function safeNext(next: string | null): string {
  const within = (area: string) => next === area || next?.startsWith(`${area}/`) || next?.startsWith(`${area}?`);
  if (!next || next.startsWith('/staff/sign-in')) return '/staff';
  return ['/staff', '/ops', '/admin'].some(within) ? next : '/staff';
}

const PASSWORD_MIN = 12;

function PasswordStep({ onPassword }: { onPassword: (password: string) => void }) {
  const { t } = useTranslation('staff');
  const signIn = useStaffSignIn();
  return (
    <Form
      layout="vertical"
      requiredMark={false}
      onFinish={(values: { username: string; password: string }) => {
        onPassword(values.password);
        signIn.mutate(values);
      }}
    >
      <Form.Item
        label={t('signIn.username')}
        name="username"
        rules={[{ required: true, message: t('signIn.usernameRequired') }]}
      >
        <Input autoComplete="username" autoCapitalize="none" spellCheck={false} size="large" />
      </Form.Item>
      <Form.Item
        label={t('signIn.password')}
        name="password"
        rules={[{ required: true, message: t('signIn.passwordRequired') }]}
      >
        <Input.Password autoComplete="current-password" size="large" iconRender={() => null} visibilityToggle={false} />
      </Form.Item>
      <FormAlert error={signIn.error} />
      <Button type="primary" htmlType="submit" size="large" block loading={signIn.isPending} className="staff-submit">
        {t('signIn.next')}
      </Button>
    </Form>
  );
}

function NewPasswordStep({ current }: { current: string }) {
  const { t } = useTranslation('staff');
  const change = useChangePassword();
  return (
    <Form
      layout="vertical"
      requiredMark={false}
      initialValues={{ current }}
      onFinish={(values: { current: string; next: string }) => change.mutate(values)}
    >
      <p className="staff-lead">{t('signIn.changeIntro', { min: PASSWORD_MIN })}</p>
      <Form.Item
        label={t('signIn.currentPassword')}
        name="current"
        rules={[{ required: true, message: t('signIn.passwordRequired') }]}
      >
        <Input.Password autoComplete="current-password" size="large" visibilityToggle={false} />
      </Form.Item>
      <Form.Item
        label={t('signIn.newPassword')}
        name="next"
        rules={[{ required: true, min: PASSWORD_MIN, message: t('signIn.newPasswordRule', { min: PASSWORD_MIN }) }]}
      >
        <Input.Password autoComplete="new-password" size="large" visibilityToggle={false} />
      </Form.Item>
      <Form.Item
        label={t('signIn.repeatPassword')}
        name="repeat"
        dependencies={['next']}
        rules={[
          { required: true, message: t('signIn.repeatRequired') },
          ({ getFieldValue }) => ({
            validator: (_rule, value) =>
              !value || getFieldValue('next') === value
                ? Promise.resolve()
                : Promise.reject(new Error(t('signIn.repeatMismatch'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" size="large" visibilityToggle={false} />
      </Form.Item>
      <FormAlert error={change.error} />
      <Button type="primary" htmlType="submit" size="large" block loading={change.isPending} className="staff-submit">
        {t('signIn.savePassword')}
      </Button>
    </Form>
  );
}

function CodeForm({ intro }: { intro: string }) {
  const { t } = useTranslation('staff');
  const verify = useVerifyTotp();
  return (
    <Form layout="vertical" requiredMark={false} onFinish={(values: { code: string }) => verify.mutate(values.code)}>
      <p className="staff-lead">{intro}</p>
      <Form.Item
        label={t('signIn.code')}
        name="code"
        normalize={(value: string) => value.replace(/\D/g, '').slice(0, 6)}
        rules={[{ required: true, pattern: /^\d{6}$/, message: t('signIn.codeRule') }]}
      >
        <Input
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          size="large"
          className="staff-code-input"
          autoFocus
        />
      </Form.Item>
      <FormAlert error={verify.error} />
      <Button type="primary" htmlType="submit" size="large" block loading={verify.isPending} className="staff-submit">
        {t('signIn.verify')}
      </Button>
    </Form>
  );
}

function EnrolStep() {
  const { t } = useTranslation('staff');
  const enrol = useEnrollTotp();
  const { mutate } = enrol;
  useEffect(() => {
    mutate();
  }, [mutate]);
  if (enrol.isError) return <StaffError error={enrol.error} onRetry={() => enrol.mutate()} />;
  if (!enrol.data) return <StaffLoading rows={5} />;
  return (
    <div className="staff-enrol">
      <p className="staff-lead">{t('signIn.enrolIntro')}</p>
      <div className="staff-enrol__qr">
        <QRCodeSVG value={enrol.data.otpauthUri} size={176} marginSize={2} title={t('signIn.qrLabel')} role="img" />
      </div>
      <p className="staff-enrol__manual">
        {t('signIn.secretLabel')}{' '}
        <code className="staff-enrol__secret" data-testid="totp-secret" lang="en">
          {enrol.data.secret.replace(/(.{4})/g, '$1 ').trim()}
        </code>
      </p>
      <CodeForm intro={t('signIn.enrolCode')} />
    </div>
  );
}

const STEP_INDEX: Record<StaffNextStep | 'password', number> = {
  password: 0,
  password_change: 1,
  totp_enroll: 2,
  totp: 2,
  done: 3,
};

/** The sign-in screen. */
export function SignInScreen() {
  const { t } = useTranslation('staff');
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const session = useStaffSession();
  const signOut = useStaffSignOut();
  const [password, setPassword] = useState('');
  useStaffTitle(t('signIn.title'));

  const step: StaffNextStep | 'password' = session.data?.next ?? 'password';
  if (session.isPending) return <StaffLoading rows={5} />;
  if (step === 'done') return <Navigate to={next} replace />;
  const firstTime = step === 'password_change' || step === 'totp_enroll';

  return (
    <div className="staff-sign-in">
      <header className="staff-sign-in__top">
        <span className="staff-brand">
          <img className="staff-brand__logo" src="/icons/favicon.svg" alt="" width="28" height="28" />
          <span className="staff-brand__title">{t('app.title')}</span>
        </span>
        <StaffLanguageSwitch />
      </header>
      <main className="staff-sign-in__main" id="staff-main">
        <section className="staff-card staff-sign-in__card" aria-labelledby="sign-in-title">
          <SafetyCertificateOutlined className="staff-sign-in__icon" aria-hidden="true" />
          <h1 id="sign-in-title" className="staff-sign-in__title">
            {step === 'password_change'
              ? t('signIn.changeTitle')
              : step === 'totp_enroll'
                ? t('signIn.enrolTitle')
                : step === 'totp'
                  ? t('signIn.codeTitle')
                  : t('signIn.title')}
          </h1>
          {params.get('next') && step === 'password' ? (
            <p className="staff-notice" role="status">
              {t('signIn.expired')}
            </p>
          ) : null}
          {firstTime ? (
            <Steps
              size="small"
              className="staff-sign-in__steps"
              current={STEP_INDEX[step] - 1}
              items={[{ title: t('signIn.stepPassword') }, { title: t('signIn.stepAuthenticator') }]}
            />
          ) : null}
          {step === 'password' ? <PasswordStep onPassword={setPassword} /> : null}
          {step === 'password_change' ? <NewPasswordStep current={password} /> : null}
          {step === 'totp_enroll' ? <EnrolStep /> : null}
          {step === 'totp' ? <CodeForm intro={t('signIn.codeIntro')} /> : null}
          {step !== 'password' ? (
            <Button type="link" className="staff-sign-in__other" onClick={() => signOut.mutate()}>
              {t('signIn.otherAccount')}
            </Button>
          ) : (
            <p className="staff-weak staff-sign-in__help">{t('signIn.help')}</p>
          )}
        </section>
      </main>
    </div>
  );
}
