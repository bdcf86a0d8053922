/**
 * The signed-in citizen's passkeys: the list, adding one (after consent to the biometric notice,
 * which the server requires for both ceremonies), renaming and removing. Every change refreshes
 * the list and the profile (which counts the passkeys).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Consent, ConsentList, Passkey, PasskeyList, PrivacyNoticeList } from '#contracts';
import { API_BASE } from '../config.ts';
import { api } from './client.ts';

const PASSKEYS = ['me', 'passkeys'] as const;
const CONSENTS = ['me', 'consents'] as const;

/** My passkeys, oldest first. */
export function usePasskeys() {
  return useQuery({
    queryKey: PASSKEYS,
    queryFn: ({ signal }) => api.get<PasskeyList>(`${API_BASE}/me/passkeys`, { signal }),
  });
}

/**
 * The biometric notice's latest version and whether I currently agree to it (a consent to an
 * older version does not count: the server asks for the latest).
 */
export function useBiometricConsent() {
  return useQuery({
    queryKey: CONSENTS,
    queryFn: async ({ signal }) => {
      const [notices, consents] = await Promise.all([
        api.get<PrivacyNoticeList>(`${API_BASE}/privacy/notices`, { signal }),
        api.get<ConsentList>(`${API_BASE}/me/consents`, { signal }),
      ]);
      const notice = notices.items.find((n) => n.kind === 'biometric') ?? null;
      const agreed =
        notice !== null &&
        consents.items.some((c) => c.kind === 'biometric' && c.active && c.version === notice.version);
      return { notice, agreed };
    },
  });
}

/** Records my consent to `version` of the biometric notice. */
export function useGrantBiometricConsent() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (version: number) => api.post<Consent>(`${API_BASE}/me/consents`, { kind: 'biometric', version }),
    onSuccess: () => client.invalidateQueries({ queryKey: CONSENTS }),
  });
}

/** Thrown when the device made no passkey: the person cancelled, or this device already holds one for this account. */
export class PasskeyNotCreated extends Error {
  override name = 'PasskeyNotCreated';
  /** True when the device already holds a passkey of this account (WebAuthn's InvalidStateError). */
  readonly alreadyRegistered: boolean;
  constructor(alreadyRegistered: boolean) {
    super(alreadyRegistered ? 'already registered' : 'cancelled');
    this.alreadyRegistered = alreadyRegistered;
  }
}

function refresh(client: ReturnType<typeof useQueryClient>) {
  return Promise.all([
    client.invalidateQueries({ queryKey: PASSKEYS }),
    client.invalidateQueries({ queryKey: ['me'], exact: true }),
  ]);
}

/** Creates a passkey on this device (the device asks for the face, fingerprint or PIN) and registers it as `name`. */
export function useAddPasskey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (name: string) => {
      // Loaded on demand: most visits never use it.
      const { startRegistration } = await import('@simplewebauthn/browser');
      const optionsJSON = await api.post<Parameters<typeof startRegistration>[0]['optionsJSON']>(
        `${API_BASE}/me/passkeys/register/options`,
      );
      let credential: Awaited<ReturnType<typeof startRegistration>>;
      try {
        credential = await startRegistration({ optionsJSON });
      } catch (error) {
        throw new PasskeyNotCreated(error instanceof Error && error.name === 'InvalidStateError');
      }
      return api.post<Passkey>(`${API_BASE}/me/passkeys/register/verify`, { name, credential });
    },
    onSuccess: () => refresh(client),
  });
}

/** Renames one of my passkeys. */
export function useRenamePasskey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name }: { id: string; name: string }) =>
      api.patch<Passkey>(`${API_BASE}/me/passkeys/${encodeURIComponent(id)}`, { name }),
    onSuccess: () => refresh(client),
  });
}

/** Removes one of my passkeys. */
export function useDeletePasskey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<void>(`${API_BASE}/me/passkeys/${encodeURIComponent(id)}`),
    onSuccess: () => refresh(client),
  });
}
