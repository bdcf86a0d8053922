/**
 * The citizen's privacy: the privacy notices, their consents (privacy, location, biometric)
 * given and withdrawn, who else accessed their personal data, and a download of everything held.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Consent, ConsentKind, DataAccessList, PrivacyNotice, PrivacyNoticeList } from '#contracts';
import { API_BASE } from '../config.ts';
import { getSettings } from '../settings.ts';
import { ApiError, api } from './client.ts';

const HOUR = 60 * 60_000;
const CONSENTS = ['me', 'consents'] as const;

/** The latest version of each privacy notice. */
export function usePrivacyNotices() {
  return useQuery({
    queryKey: ['privacy-notices'],
    queryFn: ({ signal }) => api.get<PrivacyNoticeList>(`${API_BASE}/privacy/notices`, { signal }),
    staleTime: HOUR,
    select: (data) => data.items,
  });
}

/** Every consent record of mine, newest first. */
export function useConsents(enabled = true) {
  return useQuery({
    queryKey: CONSENTS,
    queryFn: ({ signal }) => api.get<{ items: Consent[] }>(`${API_BASE}/me/consents`, { signal }),
    enabled,
    select: (data) => data.items,
  });
}

/** Where one consent stands: agreed to the latest notice, to an older one, or not (any more). */
export type ConsentState = 'granted' | 'outdated' | 'withdrawn' | 'never';

/** The state of my consent of `kind` against the latest notice. */
export function consentState(
  consents: readonly Consent[],
  kind: ConsentKind,
  notice: PrivacyNotice | undefined,
): { state: ConsentState; current: Consent | undefined } {
  const mine = consents.filter((c) => c.kind === kind);
  const active = mine.find((c) => c.active);
  if (active) return { state: notice && active.version < notice.version ? 'outdated' : 'granted', current: active };
  return { state: mine.length > 0 ? 'withdrawn' : 'never', current: mine[0] };
}

/** Agrees to a version of a notice. */
export function useGrantConsent() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { kind: ConsentKind; version: number }) => api.post<Consent>(`${API_BASE}/me/consents`, input),
    onSettled: () => client.invalidateQueries({ queryKey: CONSENTS }),
  });
}

/** Withdraws my consent of `kind` (at once). */
export function useWithdrawConsent() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (kind: ConsentKind) => api.delete<void>(`${API_BASE}/me/consents/${kind}`),
    onSettled: () => client.invalidateQueries({ queryKey: CONSENTS }),
  });
}

/** Who else accessed my personal data, newest first. */
export function useDataAccess(limit = 100) {
  return useQuery({
    queryKey: ['me', 'data-access', limit],
    queryFn: ({ signal }) => api.get<DataAccessList>(`${API_BASE}/me/data-access`, { signal, query: { limit } }),
    select: (data) => data.items,
  });
}

/** Downloads everything held about me as a JSON file (the server names it). */
export function useExportMyData() {
  return useMutation({
    mutationFn: async () => {
      let response: Response;
      try {
        response = await fetch(`${API_BASE}/me/export`, {
          headers: { Accept: 'application/json', 'Accept-Language': getSettings().language },
          credentials: 'same-origin',
        });
      } catch {
        throw new ApiError({ status: 0, code: 'NETWORK' });
      }
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { code?: string; title?: string; requestId?: string };
        throw new ApiError({
          status: response.status,
          code: body.code ?? 'UNEXPECTED_RESPONSE',
          title: body.title ?? '',
          requestId: body.requestId ?? null,
        });
      }
      const disposition = response.headers.get('content-disposition') ?? '';
      const name = disposition.match(/filename="([^"]+)"/)?.[1] ?? 'onecity-my-data.json';
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return { name, bytes: blob.size };
    },
  });
}
