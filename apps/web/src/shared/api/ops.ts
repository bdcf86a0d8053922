/**
 * The operations centre's data: the city's summary (polled every few seconds and refreshed at
 * once when the work-order live stream reports a change), escalated applications and
 * satisfaction by department.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { API_BASE } from '../config.ts';
import { api } from './client.ts';

/** The city's part of the API. */
const cityApi = (city: string) => `${API_BASE}/cities/${encodeURIComponent(city)}`;

/** How often the summary is asked for when nothing is heard from the live stream. */
export const SUMMARY_POLL_MS = 5_000;

/** A priority of a work order. */
export type Priority = 'low' | 'normal' | 'high' | 'urgent';

/** `GET /cities/{city}/operations/summary`. */
export interface OperationsSummary {
  generatedAt: string;
  day: string;
  timeZone: string;
  today: { reports: number; opened: number; resolved: number; closed: number };
  open: { total: number; overdue: number; escalated: number; byPriority: Record<Priority, number> };
  slaWindowDays: number;
  departments: {
    departmentCode: string;
    nameZh: string;
    nameEn: string;
    resolved: number;
    withinLimit: number;
    compliance: number | null;
    open: number;
  }[];
  zones: { code: string; level: 'street' | 'grid'; open: number; openedToday: number }[];
  overdue: {
    id: string;
    trackingNo: string | null;
    categoryCode: string;
    categoryNameZh: string | null;
    categoryNameEn: string | null;
    priority: Priority;
    status: string;
    departmentCode: string | null;
    escalationLevel: number;
    dueAt: string;
    createdAt: string;
  }[];
}

const summaryKey = (city: string) => ['operations-summary', city] as const;

/** The city's operations summary, asked for again every {@link SUMMARY_POLL_MS}. */
export function useOperationsSummary(city: string, enabled = true) {
  return useQuery({
    queryKey: summaryKey(city),
    queryFn: ({ signal }) => api.get<OperationsSummary>(`${cityApi(city)}/operations/summary`, { signal }),
    refetchInterval: SUMMARY_POLL_MS,
    refetchIntervalInBackground: false,
    enabled,
  });
}

/**
 * Listens to the work-order live stream: every change asks for the summary again (at most once
 * a second). Returns whether the stream is connected.
 */
export function useLiveRefresh(city: string, enabled = true): boolean {
  const client = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource(`${cityApi(city)}/work-orders/live`, { withCredentials: true });
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void client.invalidateQueries({ queryKey: summaryKey(city) });
      }, 1_000);
    };
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.addEventListener('work_order', refresh);
    source.addEventListener('reset', refresh);
    return () => {
      if (timer) clearTimeout(timer);
      source.close();
      setConnected(false);
    };
  }, [city, enabled, client]);
  return connected;
}

/** An application step past its time limit and escalated. */
export interface ApplicationEscalation {
  taskId: string;
  step: { code: string; nameZh: string; nameEn: string; role: string };
  status: string;
  openedAt: string;
  dueAt: string | null;
  remainingWorkingDays: number | null;
  overdue: boolean;
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

/** Escalated application steps of every department, most escalated first. */
export function useApplicationEscalations(city: string, enabled = true) {
  return useQuery({
    queryKey: ['application-escalations', city],
    queryFn: ({ signal }) =>
      api.get<{ items: ApplicationEscalation[]; total: number }>(`${cityApi(city)}/application-escalations`, {
        signal,
      }),
    refetchInterval: 30_000,
    enabled,
  });
}

/** Satisfaction (好差评) of one department. */
export interface DepartmentRating {
  code: string;
  nameZh: string;
  nameEn: string;
  ratings: number;
  average: number;
  lowShare: number;
}

/** Ratings by department. */
export function useDepartmentRatings(city: string, enabled = true) {
  return useQuery({
    queryKey: ['rating-stats', city, 'department'],
    queryFn: ({ signal }) =>
      api.get<{ items: DepartmentRating[] }>(`${cityApi(city)}/rating-stats`, { signal, query: { by: 'department' } }),
    refetchInterval: 60_000,
    enabled,
  });
}
