/** How the government screens show where an application or a certificate stands, and dates. */
import { useTranslation } from 'react-i18next';
import type { ApplicationStatus, CredentialState } from '../../shared/api/applications.ts';
import { useSettings } from '../../shared/settings.ts';

const APPLICATION_TONE: Record<ApplicationStatus, string> = {
  draft: 'gov-chip--neutral',
  waiting: 'gov-chip--neutral',
  in_progress: 'gov-chip--info',
  awaiting_applicant: 'gov-chip--warning',
  approved: 'gov-chip--success',
  rejected: 'gov-chip--danger',
  withdrawn: 'gov-chip--neutral',
};

/** A coloured chip with an application's status in words. */
export function StatusChip({ status }: { status: ApplicationStatus }) {
  const { t } = useTranslation('government');
  return <span className={`gov-chip ${APPLICATION_TONE[status]}`}>{t(`status.${status}`)}</span>;
}

const CREDENTIAL_TONE: Record<CredentialState, string> = {
  valid: 'gov-chip--success',
  revoked: 'gov-chip--danger',
  expired: 'gov-chip--neutral',
  not_yet_valid: 'gov-chip--info',
  key_withdrawn: 'gov-chip--danger',
};

/** A coloured chip with a certificate's state in words. */
export function CredentialChip({ state }: { state: CredentialState }) {
  const { t } = useTranslation('government');
  return <span className={`gov-chip ${CREDENTIAL_TONE[state]}`}>{t(`credentialState.${state}`)}</span>;
}

/** Formats instants in the user's language. */
export function useDates() {
  const { language } = useSettings();
  const date = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });
  const dateTime = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
  return {
    date: (iso: string) => date.format(new Date(iso)),
    dateTime: (iso: string) => dateTime.format(new Date(iso)),
  };
}

/**
 * The language of a text people wrote (a staff member's message, a name, an answer), for its
 * element's `lang` (WCAG 3.1.2): Chinese when it has Chinese characters, English when it has
 * Latin words, otherwise unsaid.
 */
export function langOf(text: string | null | undefined): 'zh-CN' | 'en' | undefined {
  if (!text) return undefined;
  if (/[\u3400-\u9fff]/.test(text)) return 'zh-CN';
  if (/[A-Za-z]{2,}/.test(text)) return 'en';
  return undefined;
}
