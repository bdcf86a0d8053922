/**
 * Applying for government services and what comes of it: drafts pre-filled from the profile,
 * answers, uploads attached to materials, fees paid through the payments adapter, submission,
 * answering a request for more material (补正), withdrawal, the timeline, ratings (好差评), one-go
 * bundles, and the certificate wallet. Shapes mirror the server's answers (see /openapi.json).
 */
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormSchema, ServiceDetail, Upload } from '#contracts';
import { API_BASE, CITY_API } from '../config.ts';
import { getSettings } from '../settings.ts';
import { ApiError, api } from './client.ts';

/** Where an application is. */
export type ApplicationStatus =
  | 'draft'
  | 'waiting'
  | 'in_progress'
  | 'awaiting_applicant'
  | 'approved'
  | 'rejected'
  | 'withdrawn';

/** One required material and what satisfies it. */
export interface MaterialView {
  code: string;
  nameZh: string;
  nameEn: string;
  kind: 'form' | 'certificate' | 'upload' | 'id';
  optional: boolean;
  heldBy: string | null;
  satisfiedBy: 'form' | 'held' | 'upload' | null;
  credentialIds: string[];
  fileIds: string[];
}

/** One entry of an application's timeline. */
export interface TimelineEntry {
  seq: number;
  kind: string;
  visibility: 'applicant' | 'internal';
  actorKind: 'citizen' | 'staff' | 'system';
  departmentId: string | null;
  body: Record<string, unknown>;
  at: string;
}

/** An application as its applicant sees it. */
export interface ApplicationView {
  id: string;
  trackingNo: string | null;
  cityId: string;
  service: { code: string; version: number; nameZh: string; nameEn: string };
  bundleApplicationId: string | null;
  enterpriseId: string | null;
  status: ApplicationStatus;
  answers: Record<string, unknown>;
  prefilled: Record<string, string>;
  materials: MaterialView[];
  feeFen: number;
  paid: boolean;
  credentialId: string | null;
  promisedDays: number;
  legalDays: number;
  submittedAt: string | null;
  completedAt: string | null;
  createdAt: string;
  timeline: TimelineEntry[];
}

/** An application in my list. */
export interface ApplicationListItem {
  id: string;
  trackingNo: string | null;
  cityId: string;
  serviceCode: string;
  status: ApplicationStatus;
  bundleApplicationId: string | null;
  createdAt: string;
  submittedAt: string | null;
  completedAt: string | null;
}

/** A one-go bundle application with its member applications. */
export interface BundleApplicationView {
  id: string;
  trackingNo: string | null;
  bundleCode: string;
  status: 'draft' | 'in_progress' | 'approved' | 'rejected' | 'withdrawn';
  answers: Record<string, unknown>;
  enterpriseId: string | null;
  submittedAt: string | null;
  completedAt: string | null;
  members: ApplicationView[];
}

/** A bundle as the catalog describes it: its shared form and member services. */
export interface BundleDetail {
  version: number;
  spec: {
    code: string;
    name: { zh: string; en: string };
    summary: { zh: string; en: string };
    lifeEvent: string;
    services: string[];
    sharedForm: FormSchema;
  };
}

/** A text in both languages, as payments answer it. */
export interface LocalText {
  zh: string;
  en: string;
}

/** A payment of a fee. */
export interface PaymentView {
  id: string;
  status: 'created' | 'paid' | 'cancelled' | 'expired' | 'refunded';
  amountFen: number;
  provider: string;
  notice: LocalText | null;
  checkoutUrl: string | null;
  returnPath: string | null;
  expiresAt: string;
}

/** A rating tag (好差评). */
export interface RatingTag {
  code: string;
  nameZh: string;
  nameEn: string;
  negative: boolean;
}

/** My rating of an application and the rectification a low one opened. */
export interface RatingView {
  score: number;
  tags: string[];
  comment: string | null;
  createdAt: string;
  rectification: {
    status: 'open' | 'done';
    dueAt: string;
    outcome: string | null;
    handledAt: string | null;
  } | null;
}

/** Where a certificate stands. */
export type CredentialState = 'valid' | 'revoked' | 'expired' | 'not_yet_valid' | 'key_withdrawn';

/** A certificate in the wallet. */
export interface CredentialSummary {
  id: string;
  cityId: string;
  typeCode: string;
  typeName: LocalText;
  issuer: { city: LocalText; department: { id: string; code: string; name: LocalText } };
  holder: { kind: 'citizen' | 'enterprise'; display: string };
  validFrom: string;
  validUntil: string | null;
  issuedAt: string;
  state: CredentialState;
  revocation: { at: string; reason: string } | null;
  verifyUrl: string;
}

/** One certificate in full. */
export interface CredentialDetail extends CredentialSummary {
  jws: string;
  holderName: string;
  claims: Record<string, string | number | boolean | null>;
  claimLabels: Record<string, LocalText>;
  kid: string;
}

const ME = `${API_BASE}/me`;
const APPLICATIONS = ['my-applications'] as const;
const application = (id: string) => ['my-application', id] as const;

/** My applications, newest first (the first 50). */
export function useMyApplications() {
  return useQuery({
    queryKey: APPLICATIONS,
    queryFn: ({ signal }) =>
      api.get<{ items: ApplicationListItem[]; total: number }>(`${ME}/applications`, {
        signal,
        query: { page: 1, pageSize: 50 },
      }),
  });
}

/** The services of `codes` (shared with the service screen's cache), by code, as they arrive. */
export function useServicesByCode(codes: string[]): Map<string, ServiceDetail> {
  const unique = [...new Set(codes)];
  const results = useQueries({
    queries: unique.map((code) => ({
      queryKey: ['service', code],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api.get<ServiceDetail>(`${CITY_API}/services/${encodeURIComponent(code)}`, { signal }),
      staleTime: 10 * 60_000,
    })),
  });
  const found = new Map<string, ServiceDetail>();
  results.forEach((r, i) => {
    const code = unique[i];
    if (r.data && code) found.set(code, r.data);
  });
  return found;
}

/**
 * One of my applications with its timeline. With `waitForPayment`, an unpaid draft with a fee is
 * asked for again every few seconds for a minute: a payment is confirmed by the provider's
 * notification, a moment after the payer comes back.
 */
export function useApplication(id: string, options: { waitForPayment?: boolean } = {}) {
  return useQuery({
    queryKey: application(id),
    queryFn: ({ signal }) => api.get<ApplicationView>(`${ME}/applications/${encodeURIComponent(id)}`, { signal }),
    enabled: id !== '',
    refetchInterval: (query) => {
      const view = query.state.data;
      const unpaid = view && view.status === 'draft' && view.feeFen > 0 && !view.paid;
      return options.waitForPayment && unpaid && query.state.dataUpdateCount < 20 ? 3000 : false;
    },
  });
}

/** Keeps the cached application and the list in step with an answer. */
function useStore() {
  const client = useQueryClient();
  return (view: ApplicationView) => {
    client.setQueryData(application(view.id), view);
    void client.invalidateQueries({ queryKey: APPLICATIONS });
  };
}

/**
 * The draft to continue for a service: my newest draft of it (outside bundles), or a new one,
 * pre-filled from my profile with the certificates the city holds attached.
 */
export async function draftFor(code: string): Promise<string> {
  const mine = await api.get<{ items: ApplicationListItem[] }>(`${ME}/applications`, {
    query: { page: 1, pageSize: 50 },
  });
  const existing = mine.items.find((a) => a.serviceCode === code && a.status === 'draft' && !a.bundleApplicationId);
  if (existing) return existing.id;
  const created = await api.post<ApplicationView>(`${CITY_API}/services/${encodeURIComponent(code)}/applications`);
  return created.id;
}

/** Saves a draft's answers. */
export function useSaveAnswers(id: string) {
  const store = useStore();
  return useMutation({
    mutationFn: (answers: Record<string, unknown>) =>
      api.put<ApplicationView>(`${ME}/applications/${encodeURIComponent(id)}/answers`, { answers }),
    onSuccess: store,
  });
}

/** Attaches uploads to a material of one of my applications. */
export function attachUploads(id: string, input: { materialCode: string; uploadIds: string[] }) {
  return api.post<ApplicationView>(`${ME}/applications/${encodeURIComponent(id)}/materials`, input);
}

/**
 * The bundle draft to continue: my draft of that bundle (found through its member applications),
 * or a new one.
 */
export async function bundleDraftFor(code: string): Promise<string> {
  const mine = await api.get<{ items: ApplicationListItem[] }>(`${ME}/applications`, {
    query: { page: 1, pageSize: 50 },
  });
  const candidates = [
    ...new Set(
      mine.items
        .filter((a) => a.status === 'draft' && a.bundleApplicationId)
        .map((a) => a.bundleApplicationId as string),
    ),
  ];
  for (const id of candidates) {
    const bundle = await api.get<BundleApplicationView>(`${ME}/bundle-applications/${encodeURIComponent(id)}`);
    if (bundle.bundleCode === code && bundle.status === 'draft') return bundle.id;
  }
  return (await startBundle(code)).id;
}

/** Attaches uploads to a material. */
export function useAttachUploads(id: string) {
  const store = useStore();
  return useMutation({
    mutationFn: (input: { materialCode: string; uploadIds: string[] }) => attachUploads(id, input),
    onSuccess: store,
  });
}

/** Submits a draft. */
export function useSubmitApplication(id: string) {
  const store = useStore();
  return useMutation({
    mutationFn: () => api.post<ApplicationView>(`${ME}/applications/${encodeURIComponent(id)}/submit`),
    onSuccess: store,
  });
}

/** Starts paying a draft's fee: where to pay. */
export function usePayFee(id: string) {
  return useMutation({
    mutationFn: () => api.post<PaymentView>(`${ME}/applications/${encodeURIComponent(id)}/payment`),
  });
}

/** Sends an application back after supplying what was asked for (补正). */
export function useSupplement(id: string) {
  const store = useStore();
  return useMutation({
    mutationFn: (message: string) =>
      api.post<ApplicationView>(`${ME}/applications/${encodeURIComponent(id)}/supplement`, {
        ...(message.trim() ? { message: message.trim() } : {}),
      }),
    onSuccess: store,
  });
}

/** Withdraws an application. */
export function useWithdraw(id: string) {
  const store = useStore();
  return useMutation({
    mutationFn: () => api.post<ApplicationView>(`${ME}/applications/${encodeURIComponent(id)}/withdraw`, {}),
    onSuccess: store,
  });
}

/** The tags a rating may carry. */
export function useRatingTags() {
  return useQuery({
    queryKey: ['rating-tags'],
    queryFn: ({ signal }) => api.get<{ items: RatingTag[] }>(`${API_BASE}/rating-tags`, { signal }),
    staleTime: 60 * 60_000,
    select: (data) => data.items,
  });
}

/** My rating of an application, or null when I have not rated it. */
export function useRating(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['my-rating', id],
    enabled,
    queryFn: async ({ signal }) => {
      try {
        return await api.get<RatingView>(`${ME}/applications/${encodeURIComponent(id)}/rating`, { signal });
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });
}

/** Rates a finished application. */
export function useRate(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { score: number; tags: string[]; comment?: string }) =>
      api.post<RatingView>(`${ME}/applications/${encodeURIComponent(id)}/rating`, input),
    onSuccess: (rating) => client.setQueryData(['my-rating', id], rating),
  });
}

/** A bundle's shared form and members. */
export function useBundle(code: string) {
  return useQuery({
    queryKey: ['bundle', code],
    queryFn: ({ signal }) => api.get<BundleDetail>(`${CITY_API}/bundles/${encodeURIComponent(code)}`, { signal }),
    staleTime: 10 * 60_000,
  });
}

/** Starts a bundle application (a draft per member). */
export async function startBundle(code: string): Promise<BundleApplicationView> {
  return api.post<BundleApplicationView>(`${CITY_API}/bundles/${encodeURIComponent(code)}/applications`);
}

/** One of my bundle applications. */
export function useBundleApplication(id: string) {
  return useQuery({
    queryKey: ['my-bundle-application', id],
    queryFn: ({ signal }) =>
      api.get<BundleApplicationView>(`${ME}/bundle-applications/${encodeURIComponent(id)}`, { signal }),
    enabled: id !== '',
  });
}

/** Saves a bundle's shared form. */
export function useSaveBundleAnswers(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (answers: Record<string, unknown>) =>
      api.put<BundleApplicationView>(`${ME}/bundle-applications/${encodeURIComponent(id)}/answers`, { answers }),
    onSuccess: (view) => client.setQueryData(['my-bundle-application', id], view),
  });
}

/** Submits a bundle once. */
export function useSubmitBundle(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<BundleApplicationView>(`${ME}/bundle-applications/${encodeURIComponent(id)}/submit`),
    onSuccess: (view) => {
      client.setQueryData(['my-bundle-application', id], view);
      void client.invalidateQueries({ queryKey: APPLICATIONS });
    },
  });
}

/** My certificates (the first 50). */
export function useCredentials() {
  return useQuery({
    queryKey: ['my-credentials'],
    queryFn: ({ signal }) =>
      api.get<{ items: CredentialSummary[]; total: number }>(`${ME}/credentials`, {
        signal,
        query: { page: 1, pageSize: 50 },
      }),
  });
}

/** One of my certificates in full. */
export function useCredential(id: string) {
  return useQuery({
    queryKey: ['my-credential', id],
    queryFn: ({ signal }) => api.get<CredentialDetail>(`${ME}/credentials/${encodeURIComponent(id)}`, { signal }),
  });
}

/** Where one of my certificates is as a PDF, or as a printable page, in the app's language. */
export function credentialLinks(id: string): { pdf: string; page: string } {
  const lang = getSettings().language;
  const base = `${ME}/credentials/${encodeURIComponent(id)}`;
  return { pdf: `${base}/pdf?lang=${lang}`, page: `${base}/page?lang=${lang}` };
}

/**
 * Uploads one photo (the body is the file), reporting progress from 0 to 1; the answer's id is
 * what a material is attached with. Rejects with {@link ApiError}.
 */
export function uploadPhoto(
  file: File,
  csrfToken: string | null,
  onProgress: (share: number) => void,
  signal?: AbortSignal,
): Promise<Upload> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${CITY_API}/uploads`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Accept-Language', getSettings().language);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {
        // Not JSON: judged by the status below.
      }
      if (xhr.status === 201) {
        onProgress(1);
        resolve(body as unknown as Upload);
        return;
      }
      reject(
        new ApiError({
          status: xhr.status,
          code: typeof body.code === 'string' ? body.code : 'UNEXPECTED_RESPONSE',
          title: typeof body.title === 'string' ? body.title : '',
          requestId: typeof body.requestId === 'string' ? body.requestId : null,
        }),
      );
    };
    xhr.onerror = () => reject(new ApiError({ status: 0, code: 'NETWORK' }));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
