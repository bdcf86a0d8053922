/**
 * Who is signed in: `GET /session` (401 means nobody), sign-in by one-time code or passkey,
 * and sign-out. Every answer that starts a session carries the CSRF token that later writes send.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CitizenProfile, CitizenSignedIn, DevMailbox, OtpChannel, OtpRequested, SessionInfo } from '#contracts';
import { API_BASE } from '../config.ts';
import { ApiError, api, setCsrfToken } from './client.ts';

const SESSION = ['session'] as const;

/** The signed-in person, or null. */
export function useSession() {
  return useQuery({
    queryKey: SESSION,
    queryFn: async ({ signal }) => {
      try {
        const session = await api.get<SessionInfo>(`${API_BASE}/session`, { signal });
        setCsrfToken(session.csrfToken);
        return session;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw error;
      }
    },
    staleTime: 5 * 60_000,
    retry: false,
  });
}

/** The signed-in citizen's profile (masked). */
export function useProfile(enabled: boolean) {
  return useQuery({
    queryKey: ['me'],
    queryFn: ({ signal }) => api.get<CitizenProfile>(`${API_BASE}/me`, { signal }),
    enabled,
  });
}

/** Stores a fresh session after a sign-in, so that every screen sees it at once. */
function useSignedIn() {
  const client = useQueryClient();
  return (answer: CitizenSignedIn) => {
    setCsrfToken(answer.csrfToken);
    client.setQueryData(['me'], answer.citizen);
    client.setQueryData<SessionInfo>(SESSION, {
      principal: { kind: 'citizen', id: answer.citizen.id, actingFor: answer.citizen.actingFor },
      csrfToken: answer.csrfToken,
    });
  };
}

/** Sends a one-time code. */
export function useRequestCode() {
  return useMutation({
    mutationFn: (input: { channel: OtpChannel; destination: string }) =>
      api.post<OtpRequested>(`${API_BASE}/auth/otp`, { ...input, purpose: 'sign_in' }),
  });
}

/** Signs in with the code that was sent. */
export function useVerifyCode() {
  const signedIn = useSignedIn();
  return useMutation({
    mutationFn: (input: { channel: OtpChannel; destination: string; code: string }) =>
      api.post<CitizenSignedIn>(`${API_BASE}/auth/otp/verify`, input),
    onSuccess: signedIn,
  });
}

/** Thrown when the device has no passkey for this site or the person cancelled. */
export class PasskeyCancelled extends Error {
  override name = 'PasskeyCancelled';
}

/** Signs in with a passkey (the device asks for the face, fingerprint or PIN). */
export function usePasskeySignIn() {
  const signedIn = useSignedIn();
  return useMutation({
    mutationFn: async () => {
      // Loaded on demand: most visits never use it.
      const { startAuthentication } = await import('@simplewebauthn/browser');
      const optionsJSON = await api.post<Parameters<typeof startAuthentication>[0]['optionsJSON']>(
        `${API_BASE}/auth/passkey/options`,
      );
      let credential: Awaited<ReturnType<typeof startAuthentication>>;
      try {
        credential = await startAuthentication({ optionsJSON });
      } catch (error) {
        // NotAllowedError: no passkey here, timed out, or the person said no.
        throw new PasskeyCancelled(error instanceof Error ? error.name : 'cancelled');
      }
      return api.post<CitizenSignedIn>(`${API_BASE}/auth/passkey/verify`, { credential });
    },
    onSuccess: signedIn,
  });
}

/** Whether passkeys can be used in this browser at all. */
export function passkeysSupported(): boolean {
  return typeof window !== 'undefined' && typeof window.PublicKeyCredential === 'function';
}

/** Signs out of this session. */
export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<void>(`${API_BASE}/auth/sign-out`),
    onSettled: () => {
      setCsrfToken(null);
      client.setQueryData(SESSION, null);
      client.removeQueries({ queryKey: ['me'] });
    },
  });
}

/**
 * Whether codes land in the development mailbox instead of a phone or inbox: only a server
 * outside production has the mailbox route, and it answers 200 for a destination it knows.
 */
export async function devMailboxHolds(destination: string): Promise<boolean> {
  try {
    await api.get<DevMailbox>(`${API_BASE}/dev/mailbox`, { query: { destination } });
    return true;
  } catch {
    return false;
  }
}
