/**
 * Administration's data: the signed-in staff member, departments, staff accounts, report
 * categories and dispatch rules, zones and the service catalog with its versions.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  CreatedStaff,
  CreateStaffRequest,
  DepartmentList,
  ServiceDetail,
  ServiceSummary,
  StaffProfile,
  StaffRoleName,
  StaffSignInState,
  ZoneSummary,
} from '#contracts';
import { API_BASE } from '../config.ts';
import { ApiError, api, setCsrfToken } from './client.ts';

/** The city's part of the API. */
const cityApi = (city: string) => `${API_BASE}/cities/${encodeURIComponent(city)}`;

/** The signed-in staff member, or null when nobody (or a citizen) is signed in as staff. */
export interface StaffSignedIn {
  profile: StaffProfile;
}

/**
 * Who is signed in as staff: null when nobody is, or the sign-in is not finished (password
 * change or second factor pending). Remembers the session's CSRF token for writes.
 */
export function useStaffSession() {
  return useQuery({
    queryKey: ['staff-session'],
    queryFn: async ({ signal }): Promise<StaffSignedIn | null> => {
      try {
        const state = await api.get<StaffSignInState>(`${API_BASE}/staff/session`, { signal });
        setCsrfToken(state.csrfToken);
        if (state.next !== 'done') return null;
        const profile = await api.get<StaffProfile>(`${API_BASE}/staff/me`, { signal });
        return { profile };
      } catch (error) {
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return null;
        throw error;
      }
    },
    staleTime: 5 * 60_000,
    retry: false,
  });
}

/** The city's departments. */
export function useDepartments(city: string) {
  return useQuery({
    queryKey: ['departments', city],
    queryFn: ({ signal }) => api.get<DepartmentList>(`${cityApi(city)}/departments`, { signal }),
    staleTime: 10 * 60_000,
  });
}

/** The city's zones of one level (street, grid …). */
export function useZones(city: string, level?: 'district' | 'street' | 'grid') {
  return useQuery({
    queryKey: ['zones', city, level ?? 'all'],
    queryFn: ({ signal }) => api.get<{ items: ZoneSummary[] }>(`${cityApi(city)}/zones`, { signal, query: { level } }),
    staleTime: 10 * 60_000,
  });
}

/** A staff account as administrators see it. */
export interface StaffAccount {
  id: string;
  username: string;
  displayName: string;
  cityId: string;
  departmentId: string;
  departmentCode: string;
  roles: StaffRoleName[];
  jurisdiction: string[];
  status: 'active' | 'disabled';
  mustChangePassword: boolean;
  secondFactor: boolean;
  locked: boolean;
  createdAt: string;
}

/** A page of a list. */
export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** Filters of the staff list. */
export interface StaffFilter {
  department?: string;
  q?: string;
  page: number;
  pageSize: number;
}

/** Staff accounts (platform admins: the city's; department admins: their department's). */
export function useStaffList(filter: StaffFilter) {
  return useQuery({
    queryKey: ['admin-staff', filter],
    queryFn: ({ signal }) => api.get<Page<StaffAccount>>(`${API_BASE}/admin/staff`, { signal, query: { ...filter } }),
    placeholderData: keepPreviousData,
  });
}

/** Creates a staff account; the answer carries the one-time initial password. */
export function useCreateStaff() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateStaffRequest) => api.post<CreatedStaff>(`${API_BASE}/admin/staff`, input),
    onSuccess: () => client.invalidateQueries({ queryKey: ['admin-staff'] }),
  });
}

/** Resets a staff member's second factor (they enrol a new one at their next sign-in). */
export function useResetSecondFactor() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<void>(`${API_BASE}/admin/staff/${encodeURIComponent(id)}/second-factor/reset`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['admin-staff'] }),
  });
}

/** A report category. */
export interface ReportCategory {
  code: string;
  nameZh: string;
  nameEn: string;
  defaultDepartmentCode: string;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  acceptWithinMinutes: number;
  resolveWithinMinutes: number;
  sensitive: boolean;
  attributes: { code: string; type: string; label_zh: string; label_en: string; required: boolean }[];
}

/** A group of report categories. */
export interface ReportCategoryGroup {
  code: string;
  nameZh: string;
  nameEn: string;
  categories: ReportCategory[];
}

/** The city's report categories, grouped. */
export function useReportCategories(city: string) {
  return useQuery({
    queryKey: ['report-categories', city],
    queryFn: ({ signal }) =>
      api.get<{ items: ReportCategoryGroup[] }>(`${cityApi(city)}/report-categories`, { signal }),
    staleTime: 5 * 60_000,
  });
}

/** One version of a dispatch rule. */
export interface DispatchRule {
  id: string;
  categoryCode: string;
  zoneCode: string;
  zoneLevel: 'district' | 'street' | 'grid';
  departmentCode: string;
  version: number;
  current: boolean;
  reason: string;
  createdBy: string | null;
  createdAt: string;
}

/** Dispatch rules in force, or every version with `history`. */
export function useDispatchRules(city: string, filter: { category?: string; history?: boolean }) {
  return useQuery({
    queryKey: ['dispatch-rules', city, filter],
    queryFn: ({ signal }) =>
      api.get<{ items: DispatchRule[] }>(`${cityApi(city)}/dispatch-rules`, {
        signal,
        query: { category: filter.category, history: filter.history ? 'true' : undefined },
      }),
    placeholderData: keepPreviousData,
  });
}

/** What publishing a new version of a rule takes. */
export interface NewDispatchRule {
  categoryCode: string;
  zoneCode: string;
  departmentCode: string;
  reason: string;
}

/** Publishes a new version of a dispatch rule. */
export function usePublishDispatchRule(city: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: NewDispatchRule) => api.post<DispatchRule>(`${cityApi(city)}/dispatch-rules`, input),
    onSuccess: () => client.invalidateQueries({ queryKey: ['dispatch-rules', city] }),
  });
}

/** Filters of the service list. */
export interface ServiceFilter {
  department?: string;
  page: number;
  pageSize: number;
}

/** The city's services, a page at a time. */
export function useServiceList(city: string, filter: ServiceFilter) {
  return useQuery({
    queryKey: ['admin-services', city, filter],
    queryFn: ({ signal }) =>
      api.get<Page<ServiceSummary>>(`${cityApi(city)}/services`, { signal, query: { ...filter } }),
    placeholderData: keepPreviousData,
  });
}

/** One service in full (a past version with `version`). */
export function useServiceDetail(city: string, code: string, version?: number) {
  return useQuery({
    queryKey: ['admin-service', city, code, version ?? 'current'],
    queryFn: ({ signal }) =>
      api.get<ServiceDetail>(`${cityApi(city)}/services/${encodeURIComponent(code)}`, { signal, query: { version } }),
  });
}

/** One version of a service in its history. */
export interface ServiceVersion {
  version: number;
  note: string;
  createdBy: string | null;
  createdAt: string;
}

/** Every version of a service, newest first. */
export function useServiceVersions(city: string, code: string) {
  return useQuery({
    queryKey: ['admin-service-versions', city, code],
    queryFn: ({ signal }) =>
      api.get<{ items: ServiceVersion[] }>(`${cityApi(city)}/services/${encodeURIComponent(code)}/versions`, {
        signal,
      }),
  });
}

/** Saves a service's spec (a new version when it changed). */
export function useSaveService(city: string, code: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { spec: unknown; note: string }) =>
      api.put<{ code: string; version: number; outcome: 'created' | 'changed' | 'unchanged' }>(
        `${cityApi(city)}/services/${encodeURIComponent(code)}`,
        input,
      ),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['admin-service', city, code] });
      void client.invalidateQueries({ queryKey: ['admin-service-versions', city, code] });
      void client.invalidateQueries({ queryKey: ['admin-services', city] });
    },
  });
}
