/**
 * The department's queue of work orders: escalated first, each with its category, priority,
 * place, status and a live countdown to the limit of its next step (red once passed). A table
 * on wide screens, cards on phones, or the same orders on a map. New and changed work orders
 * arrive over server-sent events without a reload, and a polite live region says so.
 */
import { ReloadOutlined } from '@ant-design/icons';
import { Badge, Button, Checkbox, Grid, Pagination, Segmented, Select, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { lazy, Suspense, useCallback, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { ZoneSummary } from '#contracts';
import {
  type Category,
  type LiveChange,
  type QueueFilter,
  useCategories,
  useLiveWorkOrders,
  useStaffMe,
  useWorkOrderQueue,
  useZones,
  type WorkOrderItem,
  zonesById,
} from '../../shared/api/staff.ts';
import { pick } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import {
  Countdown,
  EscalationTag,
  formatDateTime,
  nextDue,
  PriorityTag,
  StaffEmpty,
  StaffError,
  StaffHeading,
  StaffLoading,
  StatusTag,
} from '../ui.tsx';

const QueueMap = lazy(() => import('./QueueMap.tsx').then((m) => ({ default: m.QueueMap })));

/** The open statuses: the default view of the queue. */
const OPEN = 'awaiting_dispatch,dispatched,accepted,assigned,in_progress';
const STATUS_FILTERS = ['open', 'dispatched', 'accepted', 'assigned', 'in_progress', 'resolved', 'closed'] as const;
const BREACHING_MINUTES = 60;

/** Name of a category in the user's language (its code while categories load). */
export function categoryName(categories: Category[] | undefined, code: string, language: 'zh-CN' | 'en') {
  const category = categories?.find((c) => c.code === code);
  return category ? pick(language, category.nameZh, category.nameEn) : code;
}

/** The most precise zone of a work order that we can name. */
export function zoneName(
  zones: Map<string, ZoneSummary>,
  ids: { districtId: string | null; streetId: string | null; gridId: string | null } | undefined,
  language: 'zh-CN' | 'en',
): string {
  if (!ids) return '';
  const district = ids.districtId ? zones.get(ids.districtId) : undefined;
  const street = ids.streetId ? zones.get(ids.streetId) : undefined;
  return [district, street]
    .filter((z): z is ZoneSummary => !!z)
    .map((z) => pick(language, z.nameZh, z.nameEn))
    .join(language === 'en' ? ', ' : ' ');
}

function useFilter(): [QueueFilter & { view: 'list' | 'map' }, (change: Record<string, string | undefined>) => void] {
  const [params, setParams] = useSearchParams();
  const filter = {
    status: params.get('status') ?? 'open',
    category: params.get('category') ?? undefined,
    zone: params.get('zone') ?? undefined,
    breachingWithin: params.get('breaching') === '1' ? BREACHING_MINUTES : undefined,
    page: Number(params.get('page') ?? '1') || 1,
    view: params.get('view') === 'map' ? ('map' as const) : ('list' as const),
  };
  const update = (change: Record<string, string | undefined>) => {
    const nextParams = new URLSearchParams(params);
    for (const [key, value] of Object.entries(change)) {
      if (value === undefined || value === '') nextParams.delete(key);
      else nextParams.set(key, value);
    }
    if (!('page' in change)) nextParams.delete('page');
    setParams(nextParams, { replace: true });
  };
  return [filter, update];
}

function WorkOrderCard({
  item,
  categories,
  zones,
  fresh,
}: {
  item: WorkOrderItem;
  categories: Category[] | undefined;
  zones: Map<string, ZoneSummary>;
  fresh: boolean;
}) {
  const { t } = useTranslation('staff');
  const { language } = useSettings();
  const due = nextDue(item);
  const place = zoneName(zones, item.zones, language);
  return (
    <li className={`wo-card${fresh ? ' wo-card--fresh' : ''}`}>
      <Link to={`/staff/work-orders/${item.id}`} className="wo-card__link">
        <span className="wo-card__top">
          <span className="wo-card__title">{categoryName(categories, item.categoryCode, language)}</span>
          {fresh ? <span className="pill pill--blue">{t('queue.new')}</span> : null}
        </span>
        <span className="wo-card__tags">
          <PriorityTag priority={item.priority} />
          <StatusTag status={item.status} />
          <EscalationTag level={item.escalationLevel} />
        </span>
        {due ? <Countdown at={due.at} kind={due.kind} /> : null}
        <span className="wo-card__meta">
          {item.trackingNo ? <span>{item.trackingNo}</span> : null}
          {place ? <span>{place}</span> : null}
          {item.reportCount > 1 ? <span>{t('queue.reports', { count: item.reportCount })}</span> : null}
        </span>
      </Link>
    </li>
  );
}

/** The work-order queue. */
export function QueueScreen() {
  const { t } = useTranslation('staff');
  const { language } = useSettings();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const wide = screens.md ?? false;
  const [filter, update] = useFilter();
  const { view, ...queryFilter } = filter;
  const query = useWorkOrderQueue({
    ...queryFilter,
    status: queryFilter.status === 'open' ? OPEN : queryFilter.status,
  });
  const categories = useCategories();
  const districts = useZones('district');
  const streets = useZones('street');
  const me = useStaffMe();
  const zones = useMemo(
    () => zonesById([...(districts.data ?? []), ...(streets.data ?? [])]),
    [districts.data, streets.data],
  );
  const statusId = useId();
  const categoryId = useId();
  const zoneId = useId();
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [announcement, setAnnouncement] = useState('');

  const onChange = useCallback(
    (change: LiveChange) => {
      const mine = !me.data || !change.departmentId || change.departmentId === me.data.departmentId;
      if (!mine) return;
      if (change.action === 'submit' || change.action === 'dispatch' || change.action === 'transfer') {
        setFresh((previous) => new Set(previous).add(change.id));
        setAnnouncement(t('queue.announceNew'));
      } else {
        setAnnouncement(t('queue.announceChanged'));
      }
    },
    [me.data, t],
  );
  const connected = useLiveWorkOrders(true, onChange);

  const categoryOptions = (categories.data ?? [])
    .map((c) => ({ value: c.code, label: pick(language, c.nameZh, c.nameEn) }))
    .sort((a, b) => a.label.localeCompare(b.label, language));
  const zoneOptions = (districts.data ?? []).map((z) => ({ value: z.code, label: pick(language, z.nameZh, z.nameEn) }));

  const columns: ColumnsType<WorkOrderItem> = [
    {
      title: t('queue.columns.workOrder'),
      key: 'category',
      render: (_value, item) => (
        <span className="wo-cell">
          <Link to={`/staff/work-orders/${item.id}`} className="wo-cell__title">
            {categoryName(categories.data, item.categoryCode, language)}
          </Link>
          <span className="staff-weak">
            {item.trackingNo ?? ''}
            {fresh.has(item.id) ? <span className="pill pill--blue wo-cell__new">{t('queue.new')}</span> : null}
          </span>
        </span>
      ),
    },
    {
      title: t('queue.columns.priority'),
      key: 'priority',
      render: (_value, item) => <PriorityTag priority={item.priority} />,
    },
    {
      title: t('queue.columns.zone'),
      key: 'zone',
      render: (_value, item) => zoneName(zones, item.zones, language) || '—',
    },
    {
      title: t('queue.columns.status'),
      key: 'status',
      render: (_value, item) => (
        <span className="wo-card__tags">
          <StatusTag status={item.status} />
          <EscalationTag level={item.escalationLevel} />
        </span>
      ),
    },
    {
      title: t('queue.columns.due'),
      key: 'due',
      render: (_value, item) => {
        const due = nextDue(item);
        return due ? <Countdown at={due.at} kind={due.kind} compact /> : <span className="staff-weak">—</span>;
      },
    },
    {
      title: t('queue.columns.reported'),
      key: 'created',
      render: (_value, item) => (
        <span className="staff-nowrap">
          {formatDateTime(language, item.createdAt)}
          {item.reportCount > 1 ? (
            <span className="staff-weak"> · {t('queue.reports', { count: item.reportCount })}</span>
          ) : null}
        </span>
      ),
    },
  ];

  const items = query.data?.items ?? [];
  return (
    <div className="staff-page">
      <StaffHeading
        title={t('queue.title')}
        extra={
          <span className="live-indicator" data-connected={connected}>
            <Badge status={connected ? 'processing' : 'default'} />
            <span>{t('queue.live')}</span>
          </span>
        }
      />
      <div className="visually-hidden" aria-live="polite" role="status">
        {announcement}
      </div>
      <section className="staff-filters" aria-label={t('queue.filters')}>
        <div className="staff-filter">
          <label htmlFor={statusId} className="staff-filter__label">
            {t('queue.filterStatus')}
          </label>
          <Select
            value={filter.status}
            onChange={(value: string) => update({ status: value === 'open' ? undefined : value })}
            options={STATUS_FILTERS.map((s) => ({
              value: s,
              label: s === 'open' ? t('queue.allOpen') : t(`status.${s}` as 'status.dispatched'),
            }))}
            className="staff-filter__control"
            id={statusId}
          />
        </div>
        <div className="staff-filter">
          <label htmlFor={categoryId} className="staff-filter__label">
            {t('queue.filterCategory')}
          </label>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            value={filter.category ?? null}
            placeholder={t('queue.any')}
            onChange={(value: string | null) => update({ category: value ?? undefined })}
            options={categoryOptions}
            className="staff-filter__control"
            id={categoryId}
          />
        </div>
        <div className="staff-filter">
          <label htmlFor={zoneId} className="staff-filter__label">
            {t('queue.filterZone')}
          </label>
          <Select
            allowClear
            value={filter.zone ?? null}
            placeholder={t('queue.any')}
            onChange={(value: string | null) => update({ zone: value ?? undefined })}
            options={zoneOptions}
            className="staff-filter__control"
            id={zoneId}
          />
        </div>
        <Checkbox
          checked={filter.breachingWithin !== undefined}
          onChange={(event) => update({ breaching: event.target.checked ? '1' : undefined })}
          className="staff-filter__check"
        >
          {t('queue.breaching', { count: BREACHING_MINUTES })}
        </Checkbox>
        <div className="staff-filters__end">
          <Segmented
            value={view}
            onChange={(value) => update({ view: value === 'map' ? 'map' : undefined, page: String(filter.page) })}
            options={[
              { value: 'list', label: t('queue.viewList') },
              { value: 'map', label: t('queue.viewMap') },
            ]}
            aria-label={t('queue.view')}
          />
          <Button
            icon={<ReloadOutlined aria-hidden="true" />}
            onClick={() => query.refetch()}
            loading={query.isFetching}
          >
            {t('queue.refresh')}
          </Button>
        </div>
      </section>

      {query.isPending ? (
        <StaffLoading rows={6} />
      ) : query.isError ? (
        <StaffError error={query.error} onRetry={() => query.refetch()} />
      ) : items.length === 0 ? (
        <StaffEmpty title={t('queue.emptyTitle')} hint={t('queue.emptyHint')} />
      ) : view === 'map' ? (
        <Suspense fallback={<StaffLoading rows={8} />}>
          <QueueMap items={items} categories={categories.data} onOpen={(id) => navigate(`/staff/work-orders/${id}`)} />
        </Suspense>
      ) : wide ? (
        <Table<WorkOrderItem>
          rowKey="id"
          columns={columns}
          dataSource={items}
          pagination={false}
          rowClassName={(item) => (fresh.has(item.id) ? 'wo-row--fresh' : '')}
          className="wo-table"
        />
      ) : (
        <ul className="wo-cards">
          {items.map((item) => (
            <WorkOrderCard
              key={item.id}
              item={item}
              categories={categories.data}
              zones={zones}
              fresh={fresh.has(item.id)}
            />
          ))}
        </ul>
      )}
      {query.data && query.data.total > query.data.pageSize ? (
        <Pagination
          className="staff-pagination"
          current={filter.page}
          pageSize={query.data.pageSize}
          total={query.data.total}
          showSizeChanger={false}
          onChange={(page) => update({ page: String(page) })}
        />
      ) : null}
      {query.data ? <p className="staff-weak">{t('queue.total', { count: query.data.total })}</p> : null}
    </div>
  );
}
