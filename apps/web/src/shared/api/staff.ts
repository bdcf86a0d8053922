/**
 * The staff workbench's data: staff sign-in (password, first-time password change, TOTP
 * enrolment and second factor), the work-order queue, one work order and its actions, the
 * live event stream, photo uploads, and applications to review with their steps, notes and
 * referenced certificates. Every query key starts with `staff`, so that the workbench can
 * notice a 401 (an expired session) on any of them.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type {
  Department,
  DepartmentList,
  StaffNextStep,
  StaffProfile,
  StaffSignInState,
  TotpEnrollment,
  Upload,
  ZoneList,
  ZoneSummary,
} from '#contracts';
import { API_BASE, CITY_API } from '../config.ts';
import { getSettings } from '../settings.ts';
import { ApiError, api, setCsrfToken } from './client.ts';

/** The root of every staff query key. */
export const STAFF_KEY = 'staff';
const SESSION = [STAFF_KEY, 'session'] as const;

/** The session's CSRF token, kept here too for uploads (which send a file, not JSON). */
let csrf: string | null = null;
function rememberCsrf(token: string | null): void {
  csrf = token;
  setCsrfToken(token);
}
function currentCsrf(): string | null {
  return csrf;
}

// ---------- types of the answers ----------

/** Statuses of a work order. */
export const WORK_ORDER_STATUSES = [
  'awaiting_dispatch',
  'dispatched',
  'accepted',
  'assigned',
  'in_progress',
  'resolved',
  'closed',
  'invalid',
  'merged',
] as const;
/** A work order's status. */
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];

/** A work order's zones (ids; null outside the zone grid). */
export interface WorkOrderZones {
  districtId: string | null;
  streetId: string | null;
  gridId: string | null;
}

/** One work order of the queue. */
export interface WorkOrderItem {
  id: string;
  trackingNo: string | null;
  categoryCode: string;
  priority: string;
  status: WorkOrderStatus;
  departmentCode: string | null;
  assigneeId: string | null;
  escalationLevel: number;
  lat: number;
  lon: number;
  acceptDueAt: string | null;
  resolveDueAt: string | null;
  reportCount: number;
  createdAt: string;
  updatedAt: string;
  zones?: WorkOrderZones;
}

/** A page of work orders. */
export interface WorkOrderPage {
  items: WorkOrderItem[];
  page: number;
  pageSize: number;
  total: number;
}

/** One entry of a work order's timeline. */
export interface WorkOrderEvent {
  seq: number;
  action: string;
  at: string;
  actorKind: string;
  actorId: string | null;
  departmentCode: string | null;
  reason: string | null;
  note: string | null;
  rating: number | null;
  tags: string[];
  escalation: number | null;
  photoIds: string[];
}

/** A work order with its reports, photos, timeline and what the caller may do now. */
export interface WorkOrderDetail extends WorkOrderItem {
  zones: WorkOrderZones;
  acceptedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  rating: number | null;
  reopenCount: number;
  transferCount: number;
  mergedInto: string | null;
  reports: {
    trackingNo: string;
    description: string;
    lat: number;
    lon: number;
    address: string | null;
    attributes: Record<string, boolean | number | string>;
    channel: string;
    createdAt: string;
    linked: boolean;
  }[];
  photos: { id: string; kind: 'before' | 'after'; trackingNo: string | null; public: boolean }[];
  timeline: WorkOrderEvent[];
  allowedActions: string[];
}

/** What staff ask of a work order. */
export type WorkOrderAction =
  | { action: 'accept'; note?: string }
  | { action: 'start'; note?: string }
  | { action: 'resolve'; note: string; photoIds: string[] }
  | { action: 'transfer'; departmentCode: string; reason: string }
  | { action: 'return_invalid'; reason: string }
  | { action: 'escalate'; reason: string }
  | { action: 'dispatch'; departmentCode: string; note?: string };

/** A report category (for names and time limits). */
export interface Category {
  code: string;
  nameZh: string;
  nameEn: string;
  priority: string;
  acceptWithinMinutes: number;
  resolveWithinMinutes: number;
  attributes: { code: string; type: string; label_zh: string; label_en: string; required: boolean }[];
}

/** One step of an application waiting in my queue. */
export interface ApplicationTask {
  taskId: string;
  step: { code: string; nameZh: string; nameEn: string; role: 'clerk' | 'supervisor' };
  status: string;
  openedAt: string;
  dueAt: string | null;
  remainingWorkingDays: number | null;
  overdue: boolean;
  paused: boolean;
  escalationLevel: number;
  application: {
    id: string;
    trackingNo: string | null;
    serviceCode: string;
    serviceNameZh: string;
    serviceNameEn: string;
    status: string;
    submittedAt: string | null;
  };
}

/** A page of application steps. */
export interface ApplicationTaskPage {
  items: ApplicationTask[];
  page: number;
  pageSize: number;
  total: number;
}

/** A required material and what satisfies it. */
export interface ApplicationMaterial {
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
export interface ApplicationLogEntry {
  seq: number;
  kind: string;
  visibility: 'applicant' | 'internal';
  actorKind: 'citizen' | 'staff' | 'system';
  departmentId: string | null;
  body: Record<string, unknown>;
  at: string;
}

/** One of the application's steps my department has. */
export interface ApplicationStep {
  id: string;
  stepCode: string;
  stepNameZh: string;
  stepNameEn: string;
  role: 'clerk' | 'supervisor';
  status: string;
  dueAt: string | null;
  remainingWorkingDays: number | null;
  overdue: boolean;
  mine: boolean;
}

/** An application as staff see it. */
export interface StaffApplication {
  id: string;
  trackingNo: string | null;
  service: { code: string; version: number; nameZh: string; nameEn: string };
  enterpriseId: string | null;
  status: string;
  answers: Record<string, unknown>;
  prefilled: Record<string, string>;
  materials: ApplicationMaterial[];
  feeFen: number;
  paid: boolean;
  credentialId: string | null;
  promisedDays: number;
  legalDays: number;
  submittedAt: string | null;
  completedAt: string | null;
  createdAt: string;
  timeline: ApplicationLogEntry[];
  workflow: {
    instanceId: string;
    version: number;
    status: string;
    promisedDueAt: string | null;
    legalDueAt: string | null;
    remainingWorkingDays: number | null;
    paused: boolean;
    tasks: ApplicationStep[];
  };
}

/** What staff decide on an application's step. */
export type ApplicationAction =
  | { action: 'approve'; message?: string }
  | { action: 'reject'; reason: string; message?: string }
  | { action: 'request_material'; message: string; materials: { name: string; code?: string; note?: string }[] }
  | { action: 'transfer'; toDepartmentCode: string; reason: string };

/** A certificate an application refers to, read through the API (the read is recorded for the holder). */
export interface ReferencedCredential {
  id: string;
  typeCode: string;
  typeNameZh: string;
  typeNameEn: string;
  holderName: string;
  state: string;
  validFrom: string;
  validUntil: string | null;
  fields: Record<string, string | number | boolean | null>;
  labels: Record<string, { zh: string; en: string }>;
}

// ---------- session ----------

/** Where a staff member's sign-in stands: null when nobody is signed in. */
export function useStaffSession() {
  return useQuery({
    queryKey: SESSION,
    queryFn: async ({ signal }): Promise<StaffSignInState | null> => {
      try {
        const state = await api.get<StaffSignInState>(`${API_BASE}/staff/session`, { signal });
        rememberCsrf(state.csrfToken);
        return state;
      } catch (error) {
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
          rememberCsrf(null);
          return null;
        }
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

function useStoreState() {
  const client = useQueryClient();
  return (state: StaffSignInState) => {
    rememberCsrf(state.csrfToken);
    client.setQueryData(SESSION, state);
  };
}

/** Step 1: user name and password. */
export function useStaffSignIn() {
  const store = useStoreState();
  return useMutation({
    mutationFn: (input: { username: string; password: string }) =>
      api.post<StaffSignInState>(`${API_BASE}/staff/sign-in`, input),
    onSuccess: store,
  });
}

/** First sign-in: the new password. */
export function useChangePassword() {
  const store = useStoreState();
  return useMutation({
    mutationFn: (input: { current: string; next: string }) =>
      api.post<StaffSignInState>(`${API_BASE}/staff/password`, input),
    onSuccess: store,
  });
}

/** First sign-in: a new authenticator secret (shown as a QR code). */
export function useEnrollTotp() {
  return useMutation({
    mutationFn: () => api.post<TotpEnrollment>(`${API_BASE}/staff/totp/enroll`),
  });
}

/** The six-digit code of the authenticator app. */
export function useVerifyTotp() {
  const store = useStoreState();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => api.post<StaffSignInState>(`${API_BASE}/staff/totp/verify`, { code }),
    onSuccess: (state) => {
      store(state);
      void client.invalidateQueries({ queryKey: [STAFF_KEY, 'me'] });
    },
  });
}

/** Signs out and forgets everything the workbench had loaded. */
export function useStaffSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<void>(`${API_BASE}/staff/sign-out`),
    onSettled: () => {
      rememberCsrf(null);
      client.removeQueries({ queryKey: [STAFF_KEY] });
      client.setQueryData(SESSION, null);
    },
  });
}

/** Forgets the session after the server said it has ended (idle expiry). */
export function useForgetStaffSession() {
  const client = useQueryClient();
  return () => {
    rememberCsrf(null);
    client.setQueryData(SESSION, null);
  };
}

/** Whether a sign-in has reached full access. */
export function signedInFully(next: StaffNextStep | undefined): boolean {
  return next === 'done';
}

/** The signed-in staff member. */
export function useStaffMe(enabled = true) {
  return useQuery({
    queryKey: [STAFF_KEY, 'me'],
    queryFn: ({ signal }) => api.get<StaffProfile>(`${API_BASE}/staff/me`, { signal }),
    enabled,
    staleTime: 5 * 60_000,
  });
}

// ---------- reference data ----------

/** The city's departments (names, and targets of transfers). */
export function useDepartments() {
  return useQuery({
    queryKey: [STAFF_KEY, 'departments'],
    queryFn: ({ signal }) => api.get<DepartmentList>(`${CITY_API}/departments`, { signal }),
    staleTime: 60 * 60_000,
    select: (data) => data.items,
  });
}

/** A department by id or code among `departments`. */
export function findDepartment(departments: Department[] | undefined, key: string | null | undefined) {
  if (!key || !departments) return undefined;
  return departments.find((d) => d.id === key || d.code === key);
}

/** Report categories, flattened. */
export function useCategories() {
  return useQuery({
    queryKey: [STAFF_KEY, 'categories'],
    queryFn: ({ signal }) =>
      api.get<{ items: { code: string; nameZh: string; nameEn: string; categories: Category[] }[] }>(
        `${CITY_API}/report-categories`,
        { signal },
      ),
    staleTime: 60 * 60_000,
    select: (data) => data.items.flatMap((group) => group.categories),
  });
}

/** The city's zones of one level (districts for the filter; every level to name a work order's place). */
export function useZones(level?: 'district' | 'street' | 'grid') {
  return useQuery({
    queryKey: [STAFF_KEY, 'zones', level ?? 'all'],
    queryFn: ({ signal }) => api.get<ZoneList>(`${CITY_API}/zones`, { signal, query: { level } }),
    staleTime: 60 * 60_000,
    select: (data) => data.items,
  });
}

/** Zones by id. */
export function zonesById(zones: ZoneSummary[] | undefined): Map<string, ZoneSummary> {
  return new Map((zones ?? []).map((z) => [z.id, z]));
}

// ---------- work orders ----------

/** Filters of the work-order queue. */
export interface QueueFilter {
  status?: string;
  category?: string;
  zone?: string;
  breachingWithin?: number;
  page?: number;
}

/** The department's queue of work orders. */
export function useWorkOrderQueue(filter: QueueFilter) {
  return useQuery({
    queryKey: [STAFF_KEY, 'work-orders', 'queue', filter],
    queryFn: ({ signal }) =>
      api.get<WorkOrderPage>(`${CITY_API}/work-orders`, {
        signal,
        query: { ...filter, pageSize: 50 },
      }),
    placeholderData: (previous) => previous,
  });
}

/** One work order. */
export function useWorkOrder(id: string) {
  return useQuery({
    queryKey: [STAFF_KEY, 'work-orders', 'one', id],
    queryFn: ({ signal }) => api.get<WorkOrderDetail>(`${CITY_API}/work-orders/${id}`, { signal }),
  });
}

/** A photo of a work order (the browser sends the session cookie with an img). */
export function workOrderPhotoUrl(id: string, fileId: string, variant: 'thumbnail' | 'full' = 'thumbnail') {
  return `${CITY_API}/work-orders/${id}/photos/${fileId}?variant=${variant}`;
}

/** Takes an action on a work order, then reloads it and the queue. */
export function useWorkOrderAction(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: WorkOrderAction) =>
      api.post<{ workOrderId: string; status: WorkOrderStatus; seq: number }>(
        `${CITY_API}/work-orders/${id}/actions`,
        action,
      ),
    onSettled: () => client.invalidateQueries({ queryKey: [STAFF_KEY, 'work-orders'] }),
  });
}

/** Uploads a photo (the body is the file itself); answers its id. */
export async function uploadPhoto(file: Blob, purpose = 'report_photo'): Promise<Upload> {
  const headers = new Headers({
    Accept: 'application/json',
    'Accept-Language': getSettings().language,
    'Content-Type': file.type.startsWith('image/') ? file.type : 'application/octet-stream',
  });
  const token = currentCsrf();
  if (token) headers.set('X-CSRF-Token', token);
  let response: Response;
  try {
    response = await fetch(`${CITY_API}/uploads?purpose=${encodeURIComponent(purpose)}`, {
      method: 'POST',
      headers,
      body: file,
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError({ status: 0, code: 'NETWORK' });
  }
  if (!response.ok) {
    let body: { code?: string; title?: string; requestId?: string } = {};
    try {
      body = await response.json();
    } catch {
      // Not JSON: the status says enough.
    }
    throw new ApiError({
      status: response.status,
      code: body.code ?? 'UNEXPECTED_RESPONSE',
      title: body.title ?? '',
      requestId: body.requestId ?? null,
    });
  }
  return (await response.json()) as Upload;
}

/** One change the live stream announced. */
export interface LiveChange {
  id: string;
  status: WorkOrderStatus;
  seq: number;
  action: string;
  escalationLevel: number;
  departmentId: string | null;
  at: string;
}

/**
 * Listens to the live stream of the queue's work orders (server-sent events): each change
 * refreshes what is on screen and is handed to `onChange`. The browser reconnects by itself,
 * sending the last event id so that nothing is missed; `reset` means reload everything.
 */
export function useLiveWorkOrders(enabled: boolean, onChange: (change: LiveChange) => void) {
  const client = useQueryClient();
  const latest = useRef(onChange);
  latest.current = onChange;
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource(`${CITY_API}/work-orders/live`, { withCredentials: true });
    source.addEventListener('open', () => setConnected(true));
    source.addEventListener('error', () => setConnected(source.readyState === EventSource.OPEN));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      // A burst of changes reloads once.
      clearTimeout(timer);
      timer = setTimeout(() => void client.invalidateQueries({ queryKey: [STAFF_KEY, 'work-orders'] }), 300);
    };
    source.addEventListener('work_order', (event) => {
      try {
        latest.current(JSON.parse((event as MessageEvent<string>).data) as LiveChange);
      } catch {
        // A malformed event changes nothing; the reload below still happens.
      }
      refresh();
    });
    source.addEventListener('reset', refresh);
    return () => {
      clearTimeout(timer);
      source.close();
      setConnected(false);
    };
  }, [enabled, client]);
  return connected;
}

// ---------- applications ----------

/** Filters of the application queue. */
export interface TaskFilter {
  status?: 'open' | 'waiting' | 'approved' | 'rejected' | 'cancelled';
  escalated?: 'true';
  dueWithinWorkingDays?: number;
  page?: number;
}

/** My department's application steps for my roles. */
export function useApplicationTasks(filter: TaskFilter, enabled = true) {
  return useQuery({
    queryKey: [STAFF_KEY, 'applications', 'tasks', filter],
    queryFn: ({ signal }) =>
      api.get<ApplicationTaskPage>(`${CITY_API}/application-tasks`, { signal, query: { ...filter } }),
    enabled,
    placeholderData: (previous) => previous,
  });
}

/** An application my department has a step in (reading it is recorded for the applicant). */
export function useStaffApplication(id: string) {
  return useQuery({
    queryKey: [STAFF_KEY, 'applications', 'one', id],
    queryFn: ({ signal }) => api.get<StaffApplication>(`${CITY_API}/applications/${id}`, { signal }),
  });
}

/** A certificate the application refers to, read on request (the read is recorded for its holder). */
export function useReferencedCredential(applicationId: string, credentialId: string, enabled: boolean) {
  return useQuery({
    queryKey: [STAFF_KEY, 'applications', 'credential', applicationId, credentialId],
    queryFn: ({ signal }) =>
      api.get<ReferencedCredential>(`${CITY_API}/applications/${applicationId}/credentials/${credentialId}`, {
        signal,
      }),
    enabled,
    staleTime: 10 * 60_000,
  });
}

/** An uploaded material of an application. */
export function applicationFileUrl(applicationId: string, fileId: string, variant: 'thumbnail' | 'full' = 'thumbnail') {
  return `${CITY_API}/applications/${applicationId}/files/${fileId}?variant=${variant}`;
}

/** Acts on one of the application's steps; answers the application as it now is. */
export function useApplicationAction(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({
      taskId,
      expectedVersion,
      ...action
    }: ApplicationAction & { taskId: string; expectedVersion?: number }) =>
      api.post<StaffApplication>(`${CITY_API}/applications/${id}/tasks/${taskId}/actions`, {
        ...action,
        ...(expectedVersion === undefined ? {} : { expectedVersion }),
      }),
    onSuccess: (view) => {
      client.setQueryData([STAFF_KEY, 'applications', 'one', id], view);
      void client.invalidateQueries({ queryKey: [STAFF_KEY, 'applications', 'tasks'] });
    },
  });
}

/** Adds an internal note or a message to the applicant. */
export function useApplicationNote(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { text: string; visibility: 'internal' | 'applicant' }) =>
      api.post<{ ok: true }>(`${CITY_API}/applications/${id}/notes`, input),
    onSuccess: () => client.invalidateQueries({ queryKey: [STAFF_KEY, 'applications', 'one', id] }),
  });
}

/** The service's published form (field titles for the answers). */
export function useServiceForm(code: string | undefined) {
  return useQuery({
    queryKey: [STAFF_KEY, 'service', code],
    queryFn: ({ signal }) => api.get<Record<string, unknown>>(`${CITY_API}/services/${code}`, { signal }),
    enabled: !!code,
    staleTime: 60 * 60_000,
  });
}
