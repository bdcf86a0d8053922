/**
 * City governance as the citizen app reads it: report categories and the suggestion from a
 * description, photo uploads (with progress), submitting a report, my reports with their
 * timeline and the actions I may take, and my notifications.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Upload } from '#contracts';
import { API_BASE, CITY_API } from '../config.ts';
import { getSettings } from '../settings.ts';
import { ApiError, api, currentCsrfToken, type FieldProblem } from './client.ts';

/** Photos one report may carry (the server's limit). */
export const MAX_PHOTOS = 9;

/** An extra question asked when reporting a category. */
export interface CategoryAttribute {
  code: string;
  type: 'boolean' | 'number' | 'string';
  label_zh: string;
  label_en: string;
  required: boolean;
}

/** A report category citizens pick. */
export interface ReportCategory {
  code: string;
  nameZh: string;
  nameEn: string;
  defaultDepartmentCode: string;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  acceptWithinMinutes: number;
  resolveWithinMinutes: number;
  attributes: CategoryAttribute[];
  sensitive: boolean;
}

/** A group of categories. */
export interface ReportCategoryGroup {
  code: string;
  nameZh: string;
  nameEn: string;
  categories: ReportCategory[];
}

/** `POST …/report-categories/suggest`. */
export interface CategorySuggestions {
  suggestions: { code: string; nameZh: string; nameEn: string; confidence: number }[];
  confident: boolean;
}

/** What a work order's status can be. */
export type ReportStatus =
  | 'awaiting_dispatch'
  | 'dispatched'
  | 'accepted'
  | 'assigned'
  | 'in_progress'
  | 'resolved'
  | 'closed'
  | 'invalid'
  | 'merged';

/** Actions that appear in a reporter's timeline or as the reporter's buttons. */
export type ReportAction =
  | 'submit'
  | 'dispatch'
  | 'accept'
  | 'assign'
  | 'start'
  | 'resolve'
  | 'transfer'
  | 'return_invalid'
  | 'escalate'
  | 'warn'
  | 'confirm'
  | 'reopen'
  | 'close'
  | 'rate'
  | 'merge'
  | 'link'
  | 'unlink';

/** A new report. */
export interface NewReport {
  categoryCode?: string;
  description: string;
  lat: number;
  lon: number;
  address?: string;
  attributes?: Record<string, boolean | number | string>;
  photoIds?: string[];
}

/** `POST …/reports` answer. */
export interface SubmittedReport {
  trackingNo: string;
  categoryCode: string;
  categorySuggested: boolean;
  status: ReportStatus;
  duplicateOf: string | null;
  followToken: string | null;
}

/** One of my reports in the list. */
export interface MyReportSummary {
  trackingNo: string;
  cityId: string;
  categoryCode: string;
  description: string;
  lat: number;
  lon: number;
  address: string | null;
  createdAt: string;
  status: ReportStatus;
  departmentCode: string | null;
  duplicate: boolean;
  resolvedAt: string | null;
  rating: number | null;
}

/** One step of a report's timeline. */
export interface TimelineItem {
  seq: number;
  action: ReportAction;
  at: string;
  departmentCode: string | null;
  reason: string | null;
  note: string | null;
  rating: number | null;
  tags: string[];
  photoIds: string[];
}

/** One of my reports in full. */
export interface MyReportDetail extends MyReportSummary {
  attributes: Record<string, boolean | number | string>;
  photos: { id: string; kind: 'before' | 'after' }[];
  timeline: TimelineItem[];
  allowedActions: ReportAction[];
  reopenUntil: string | null;
}

/** What a reporter may do to their report. */
export type CitizenAction =
  | { action: 'confirm' }
  | { action: 'reopen'; reason: string }
  | { action: 'rate'; rating: number; tags?: string[]; comment?: string };

/** One notification. */
export interface GovNotification {
  id: string;
  kind: string;
  trackingNo: string | null;
  status: string | null;
  details: Record<string, unknown>;
  createdAt: string;
  read: boolean;
}

/** `GET /me/notifications`. */
export interface NotificationPage {
  items: GovNotification[];
  unread: number;
  page: number;
  pageSize: number;
  total: number;
}

const HOUR = 60 * 60_000;
const MY_REPORTS = ['me', 'reports'] as const;
const NOTIFICATIONS = ['me', 'notifications'] as const;

/** The city's report categories, grouped. */
export function useReportCategories() {
  return useQuery({
    queryKey: ['report-categories'],
    queryFn: ({ signal }) => api.get<{ items: ReportCategoryGroup[] }>(`${CITY_API}/report-categories`, { signal }),
    staleTime: HOUR,
    select: (data) => data.items,
  });
}

/** Categories suggested for `text` (not asked for text shorter than two characters). */
export function useCategorySuggestion(text: string) {
  const trimmed = text.trim();
  return useQuery({
    queryKey: ['report-categories', 'suggest', trimmed],
    queryFn: ({ signal }) =>
      api.post<CategorySuggestions>(`${CITY_API}/report-categories/suggest`, { text: trimmed }, { signal }),
    enabled: trimmed.length >= 2,
    staleTime: HOUR,
    retry: false,
  });
}

function problemFromXhr(xhr: XMLHttpRequest): ApiError {
  if (xhr.status === 0) return new ApiError({ status: 0, code: 'NETWORK' });
  try {
    const body = JSON.parse(xhr.responseText) as {
      code?: string;
      title?: string;
      requestId?: string;
      errors?: FieldProblem[];
    };
    return new ApiError({
      status: xhr.status,
      code: body.code ?? 'UNEXPECTED_RESPONSE',
      title: body.title ?? '',
      requestId: body.requestId ?? xhr.getResponseHeader('x-request-id'),
      errors: Array.isArray(body.errors) ? body.errors : [],
    });
  } catch {
    return new ApiError({ status: xhr.status, code: 'UNEXPECTED_RESPONSE' });
  }
}

/**
 * Uploads one photo (the body is the file itself), reporting progress from 0 to 1. The server
 * strips its metadata (location, camera) and turns it upright.
 */
export function uploadPhoto(file: Blob, onProgress: (share: number) => void, signal?: AbortSignal): Promise<Upload> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${CITY_API}/uploads`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Accept-Language', getSettings().language);
    xhr.setRequestHeader('Content-Type', file.type.startsWith('image/') ? file.type : 'application/octet-stream');
    const csrf = currentCsrfToken();
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.withCredentials = true;
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          onProgress(1);
          resolve(JSON.parse(xhr.responseText) as Upload);
        } catch {
          reject(new ApiError({ status: xhr.status, code: 'UNEXPECTED_RESPONSE' }));
        }
      } else {
        reject(problemFromXhr(xhr));
      }
    };
    xhr.onerror = () => reject(new ApiError({ status: 0, code: 'NETWORK' }));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/** Submits a report; the key makes a repeated submission (a double tap, a retry) answer the first result. */
export function useSubmitReport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ report, idempotencyKey }: { report: NewReport; idempotencyKey: string }) =>
      api.post<SubmittedReport>(`${CITY_API}/reports`, report, { headers: { 'Idempotency-Key': idempotencyKey } }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: MY_REPORTS });
      void client.invalidateQueries({ queryKey: NOTIFICATIONS });
    },
  });
}

/** My reports, newest first. */
export function useMyReports(page = 1, pageSize = 20) {
  return useQuery({
    queryKey: [...MY_REPORTS, 'list', page, pageSize],
    queryFn: ({ signal }) =>
      api.get<{ items: MyReportSummary[]; page: number; pageSize: number; total: number }>(`${API_BASE}/me/reports`, {
        signal,
        query: { page, pageSize },
      }),
  });
}

/** One of my reports in full. */
export function useMyReport(trackingNo: string) {
  return useQuery({
    queryKey: [...MY_REPORTS, 'detail', trackingNo],
    queryFn: ({ signal }) =>
      api.get<MyReportDetail>(`${API_BASE}/me/reports/${encodeURIComponent(trackingNo)}`, { signal }),
  });
}

/** The address of a photo of my report. */
export function myReportPhotoUrl(trackingNo: string, fileId: string, variant: 'full' | 'thumbnail'): string {
  return `${API_BASE}/me/reports/${encodeURIComponent(trackingNo)}/photos/${encodeURIComponent(fileId)}?variant=${variant}`;
}

/** Confirms the fix, says "not fixed", or rates it. */
export function useReportAction(trackingNo: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: CitizenAction) =>
      api.post<{ status: ReportStatus; seq: number; followUpOpened: boolean }>(
        `${API_BASE}/me/reports/${encodeURIComponent(trackingNo)}/actions`,
        action,
      ),
    onSettled: () => client.invalidateQueries({ queryKey: MY_REPORTS }),
  });
}

/** My notifications, newest first (with the unread count). */
export function useNotifications(enabled = true, pageSize = 50) {
  return useQuery({
    queryKey: [...NOTIFICATIONS, 'list', pageSize],
    queryFn: ({ signal }) => api.get<NotificationPage>(`${API_BASE}/me/notifications`, { signal, query: { pageSize } }),
    enabled,
  });
}

/** How many notifications are unread (for the badge). */
export function useUnreadCount(enabled: boolean) {
  return useQuery({
    queryKey: [...NOTIFICATIONS, 'unread'],
    queryFn: ({ signal }) =>
      api.get<NotificationPage>(`${API_BASE}/me/notifications`, { signal, query: { unread: 'true', pageSize: 1 } }),
    enabled,
    select: (data) => data.unread,
    staleTime: 60_000,
  });
}

/** Marks the given notifications read, or all of them. */
export function useMarkRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (ids?: string[]) =>
      api.post<{ marked: number }>(`${API_BASE}/me/notifications/read`, ids ? { ids } : {}),
    onSettled: () => client.invalidateQueries({ queryKey: NOTIFICATIONS }),
  });
}
