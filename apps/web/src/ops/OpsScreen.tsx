/**
 * The operations centre's screen: the city's reports and work orders today, what is open and
 * how urgent, time-limit compliance by department, where the open work is (a heatmap of the
 * city's streets or grids), work orders and applications past their limits, and satisfaction.
 * Refreshed every few seconds, and at once when the live stream reports a change.
 */
import { Alert, Button, Col, Empty, Row, Segmented, Statistic, Tag } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useOutletContext } from 'react-router';
import type { StaffProfile } from '#contracts';
import { useDepartments, useZones } from '../shared/api/admin.ts';
import { useCity } from '../shared/api/catalog.ts';
import {
  type OperationsSummary,
  type Priority,
  useApplicationEscalations,
  useDepartmentRatings,
  useLiveRefresh,
  useOperationsSummary,
} from '../shared/api/ops.ts';
import { pick } from '../shared/format.ts';
import { CityMap } from '../shared/map/CityMap.tsx';
import { useSettings } from '../shared/settings.ts';
import { AntdLanguageSwitch as StaffLanguageSwitch } from '../shared/ui/AntdLanguageSwitch.tsx';
import { useDocumentTitle } from '../shared/ui/page.tsx';
import { useErrorMessage } from '../shared/ui/states.tsx';
import type { ChartOption } from './Chart.tsx';
import { OpsLoading, Panel } from './parts.tsx';

/** ECharts is large: the chart comes in its own chunk, after the figures. */
const Chart = lazy(() => import('./Chart.tsx').then((m) => ({ default: m.Chart })));

const PRIORITIES: Priority[] = ['urgent', 'high', 'normal', 'low'];
const PRIORITY_COLOURS: Record<Priority, string> = { urgent: 'red', high: 'orange', normal: 'blue', low: 'default' };

/** hh:mm:ss of `iso` in `timeZone`. */
function clockTime(iso: string, timeZone: string, language: string): string {
  return new Intl.DateTimeFormat(language, {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/** "2 h 5 min" since `iso`. */
function useSince() {
  const { t } = useTranslation('ops');
  return (iso: string, now: string) => {
    const minutes = Math.max(0, Math.round((Date.parse(now) - Date.parse(iso)) / 60_000));
    if (minutes < 60) return t('overdue.minutes', { count: minutes });
    const hours = Math.floor(minutes / 60);
    if (hours < 48) return t('overdue.hours', { hours, minutes: minutes % 60 });
    return t('overdue.days', { count: Math.floor(hours / 24) });
  };
}

/** The whole screen. */
export function OpsScreen() {
  const { t } = useTranslation('ops');
  const { language } = useSettings();
  const profile = useOutletContext<StaffProfile>();
  const city = profile.cityId;
  const cityInfo = useCity();
  const summary = useOperationsSummary(city);
  const live = useLiveRefresh(city);
  const errorMessage = useErrorMessage();
  useDocumentTitle(t('title'));

  const cityName = cityInfo.data ? pick(language, cityInfo.data.nameZh, cityInfo.data.nameEn) : '';
  const data = summary.data;

  return (
    <>
      <header className="ops-header">
        <div className="ops-header__title">
          <h1>{t('title')}</h1>
          {cityName ? <span className="ops-header__city">{cityName}</span> : null}
        </div>
        <div className="ops-header__status">
          <span className={`ops-live ${live ? 'ops-live--on' : ''}`}>
            <span className="ops-live__dot" aria-hidden="true" />
            {live ? t('live.on') : t('live.polling')}
          </span>
          <span className="ops-updated" aria-live="off" data-testid="ops-updated">
            {data ? t('updated', { time: clockTime(data.generatedAt, data.timeZone, language) }) : t('updating')}
          </span>
          {profile.roles.includes('platform_admin') ? (
            <Button type="link" href="/admin">
              {t('toAdmin')}
            </Button>
          ) : null}
          <StaffLanguageSwitch className="ops-header__language" />
        </div>
      </header>
      <main className="ops-main" id="main">
        {summary.isError && data ? (
          <Alert
            type="warning"
            showIcon
            className="ops-stale"
            title={t('stale', { message: errorMessage(summary.error) })}
          />
        ) : null}
        {data ? (
          <Dashboard city={city} data={data} />
        ) : summary.isError ? (
          <Alert
            type="error"
            showIcon
            title={t('error')}
            description={errorMessage(summary.error)}
            action={<Button onClick={() => void summary.refetch()}>{t('retry')}</Button>}
          />
        ) : (
          <OpsLoading />
        )}
      </main>
    </>
  );
}

function Dashboard({ city, data }: { city: string; data: OperationsSummary }) {
  const { t } = useTranslation('ops');
  const { language } = useSettings();
  const resolvedInWindow = data.departments.reduce((n, d) => n + d.resolved, 0);
  const withinInWindow = data.departments.reduce((n, d) => n + d.withinLimit, 0);
  const compliance = resolvedInWindow ? withinInWindow / resolvedInWindow : null;
  const percent = (value: number | null) =>
    value === null
      ? '—'
      : new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(value);

  const figures: { key: string; label: string; value: string | number; tone?: string }[] = [
    { key: 'reports', label: t('kpi.reportsToday'), value: data.today.reports },
    { key: 'opened', label: t('kpi.openedToday'), value: data.today.opened },
    { key: 'resolved', label: t('kpi.resolvedToday'), value: data.today.resolved },
    { key: 'closed', label: t('kpi.closedToday'), value: data.today.closed },
    { key: 'open', label: t('kpi.openNow'), value: data.open.total },
    { key: 'overdue', label: t('kpi.overdue'), value: data.open.overdue, tone: data.open.overdue ? 'alarm' : '' },
    { key: 'compliance', label: t('kpi.compliance', { days: data.slaWindowDays }), value: percent(compliance) },
  ];

  return (
    <>
      <h2 className="visually-hidden">{t('kpi.heading')}</h2>
      <ul className="ops-kpis">
        {figures.map((f) => (
          <li key={f.key} className={`ops-kpi ${f.tone ? `ops-kpi--${f.tone}` : ''}`} data-testid={`kpi-${f.key}`}>
            <Statistic title={f.label} value={f.value} />
          </li>
        ))}
      </ul>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12} xl={9}>
          <HeatPanel city={city} data={data} />
        </Col>
        <Col xs={24} lg={12} xl={8} className="ops-column">
          <CompliancePanel city={city} data={data} percent={percent} />
          <PriorityPanel data={data} />
          <SatisfactionPanel city={city} />
        </Col>
        <Col xs={24} xl={7} className="ops-column">
          <OverduePanel city={city} data={data} />
          <EscalationsPanel city={city} now={data.generatedAt} />
        </Col>
      </Row>
    </>
  );
}

function HeatPanel({ city, data }: { city: string; data: OperationsSummary }) {
  const { t } = useTranslation('ops');
  const { language } = useSettings();
  const [level, setLevel] = useState<'street' | 'grid'>('street');
  const zones = useZones(city, level);
  const heat = useMemo(
    () => Object.fromEntries(data.zones.filter((z) => z.level === level).map((z) => [z.code, z.open])),
    [data.zones, level],
  );
  const names = new Map((zones.data?.items ?? []).map((z) => [z.code, pick(language, z.nameZh, z.nameEn)]));
  const top = data.zones.filter((z) => z.level === level && z.open > 0).slice(0, 3);
  return (
    <Panel
      id="ops-heat"
      title={t('heat.title')}
      extra={
        <Segmented
          aria-label={t('heat.level')}
          size="small"
          value={level}
          onChange={(value) => setLevel(value as 'street' | 'grid')}
          options={[
            { value: 'street', label: t('heat.street') },
            { value: 'grid', label: t('heat.grid') },
          ]}
        />
      }
    >
      <CityMap city={city} level={level} label={t('heat.mapLabel')} heat={heat} height={380} className="ops-map" />
      <h3 className="ops-subtitle">{t('heat.top')}</h3>
      {top.length ? (
        <ol className="ops-top">
          {top.map((z) => (
            <li key={z.code}>
              <span>{names.get(z.code) ?? z.code}</span>
              <span className="ops-top__value">{t('heat.open', { count: z.open })}</span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="ops-muted">{t('heat.none')}</p>
      )}
    </Panel>
  );
}

function CompliancePanel({
  city,
  data,
  percent,
}: {
  city: string;
  data: OperationsSummary;
  percent: (value: number | null) => string;
}) {
  const { t } = useTranslation('ops');
  const { language } = useSettings();
  const departments = useDepartments(city);
  const { rows, names, option } = useMemo(() => {
    const rows = data.departments.filter((d) => d.resolved > 0).slice(0, 8);
    const names = new Map(
      rows.map((r) => {
        const d = departments.data?.items.find((x) => x.code === r.departmentCode);
        return [r.departmentCode, d ? pick(language, d.shortZh, d.shortEn) : pick(language, r.nameZh, r.nameEn)];
      }),
    );
    const ordered = [...rows].reverse();
    const option: ChartOption = {
      animation: false,
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: number) => `${v}%` },
      xAxis: {
        type: 'value',
        max: 100,
        axisLabel: { color: '#c5cfdf', formatter: '{value}%' },
        splitLine: { lineStyle: { color: '#26324b' } },
      },
      yAxis: {
        type: 'category',
        data: ordered.map((d) => names.get(d.departmentCode)),
        axisLabel: { color: '#eef2f8', fontSize: 13 },
        axisLine: { lineStyle: { color: '#34425f' } },
      },
      series: [
        {
          type: 'bar',
          barMaxWidth: 18,
          data: ordered.map((d) => {
            const value = Math.round((d.compliance ?? 0) * 1000) / 10;
            return {
              value,
              itemStyle: { color: value >= 90 ? '#4cc38a' : value >= 70 ? '#f5b454' : '#ff7a6e', borderRadius: 4 },
            };
          }),
          label: { show: true, position: 'right', color: '#eef2f8', formatter: '{c}%' },
        },
      ],
    };
    return { rows, names, option };
  }, [data.departments, departments.data, language]);
  return (
    <Panel id="ops-sla" title={t('sla.title', { days: data.slaWindowDays })}>
      {rows.length ? (
        <>
          <Suspense fallback={<div style={{ height: Math.max(140, rows.length * 30 + 40) }} />}>
            <Chart option={option} height={Math.max(140, rows.length * 30 + 40)} />
          </Suspense>
          <table className="visually-hidden">
            <caption>{t('sla.caption', { days: data.slaWindowDays })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('sla.department')}</th>
                <th scope="col">{t('sla.resolved')}</th>
                <th scope="col">{t('sla.within')}</th>
                <th scope="col">{t('sla.rate')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.departmentCode}>
                  <th scope="row">{names.get(d.departmentCode)}</th>
                  <td>{d.resolved}</td>
                  <td>{d.withinLimit}</td>
                  <td>{percent(d.compliance)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sla.none', { days: data.slaWindowDays })} />
      )}
    </Panel>
  );
}

function PriorityPanel({ data }: { data: OperationsSummary }) {
  const { t } = useTranslation('ops');
  return (
    <Panel id="ops-priority" title={t('priority.title')}>
      <ul className="ops-priorities">
        {PRIORITIES.map((p) => (
          <li key={p} className={`ops-priority ops-priority--${p}`}>
            <span className="ops-priority__value">{data.open.byPriority[p]}</span>
            <Tag color={PRIORITY_COLOURS[p]}>{t(`priority.${p}`)}</Tag>
          </li>
        ))}
      </ul>
      <p className="ops-muted">{t('priority.escalated', { count: data.open.escalated })}</p>
    </Panel>
  );
}

function OverduePanel({ city, data }: { city: string; data: OperationsSummary }) {
  const { t } = useTranslation('ops');
  const { language } = useSettings();
  const departments = useDepartments(city);
  const since = useSince();
  const departmentName = (code: string | null) => {
    if (!code) return t('overdue.undispatched');
    const d = departments.data?.items.find((x) => x.code === code);
    return d ? pick(language, d.shortZh, d.shortEn) : code;
  };
  return (
    <Panel id="ops-overdue" title={t('overdue.title')} extra={<Tag color="red">{data.open.overdue}</Tag>}>
      {data.overdue.length ? (
        <ul className="ops-alarms">
          {data.overdue.slice(0, 6).map((o) => (
            <li key={o.id} className="ops-alarm">
              <div className="ops-alarm__main">
                <span className="ops-alarm__what">
                  {pick(language, o.categoryNameZh ?? o.categoryCode, o.categoryNameEn ?? o.categoryCode)}
                </span>
                <span className="ops-alarm__meta">
                  {o.trackingNo ?? ''} · {departmentName(o.departmentCode)}
                </span>
              </div>
              <div className="ops-alarm__side">
                <span className="ops-alarm__late">{t('overdue.late', { time: since(o.dueAt, data.generatedAt) })}</span>
                {o.escalationLevel > 0 ? (
                  <Tag color="volcano">{t('overdue.escalated', { level: o.escalationLevel })}</Tag>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('overdue.none')} />
      )}
    </Panel>
  );
}

function EscalationsPanel({ city, now }: { city: string; now: string }) {
  const { t } = useTranslation('ops');
  const { language } = useSettings();
  const escalations = useApplicationEscalations(city);
  const errorMessage = useErrorMessage();
  const since = useSince();
  const items = escalations.data?.items ?? [];
  return (
    <Panel
      id="ops-escalations"
      title={t('escalations.title')}
      extra={escalations.data ? <Tag color="orange">{escalations.data.total}</Tag> : null}
    >
      {escalations.isPending ? (
        <OpsLoading />
      ) : escalations.isError ? (
        <Alert type="error" showIcon title={errorMessage(escalations.error)} />
      ) : items.length ? (
        <ul className="ops-alarms">
          {items.slice(0, 6).map((e) => (
            <li key={e.taskId} className="ops-alarm">
              <div className="ops-alarm__main">
                <span className="ops-alarm__what">
                  {pick(language, e.application.serviceNameZh, e.application.serviceNameEn)}
                </span>
                <span className="ops-alarm__meta">
                  {e.application.trackingNo ?? ''} · {pick(language, e.step.nameZh, e.step.nameEn)}
                </span>
              </div>
              <div className="ops-alarm__side">
                {e.dueAt ? (
                  <span className="ops-alarm__late">{t('overdue.late', { time: since(e.dueAt, now) })}</span>
                ) : null}
                <Tag color="volcano">{t('overdue.escalated', { level: e.escalationLevel })}</Tag>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('escalations.none')} />
      )}
    </Panel>
  );
}

function SatisfactionPanel({ city }: { city: string }) {
  const { t } = useTranslation('ops');
  const { language } = useSettings();
  const ratings = useDepartmentRatings(city);
  const departments = useDepartments(city);
  const rows = (ratings.data?.items ?? [])
    .filter((r) => r.ratings > 0)
    .sort((a, b) => b.ratings - a.ratings)
    .slice(0, 4);
  const name = (code: string, zh: string, en: string) => {
    const d = departments.data?.items.find((x) => x.code === code);
    return d ? pick(language, d.shortZh, d.shortEn) : pick(language, zh, en);
  };
  const format = new Intl.NumberFormat(language, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  return (
    <Panel id="ops-satisfaction" title={t('satisfaction.title')}>
      {rows.length ? (
        <ol className="ops-top">
          {rows.map((r) => (
            <li key={r.code}>
              <span>{name(r.code, r.nameZh, r.nameEn)}</span>
              <span className="ops-top__value">
                {t('satisfaction.average', { average: format.format(r.average), count: r.ratings })}
              </span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="ops-muted">{ratings.isPending ? t('updating') : t('satisfaction.none')}</p>
      )}
    </Panel>
  );
}
