/**
 * Applications to review: the steps of my department for my roles, soonest due first, each
 * with the working days left (red when overdue; paused while the applicant supplies material).
 */
import { Grid, Pagination, Segmented, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { type ApplicationTask, type TaskFilter, useApplicationTasks } from '../../shared/api/staff.ts';
import { pick } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import {
  EscalationTag,
  formatDateTime,
  StaffEmpty,
  StaffError,
  StaffHeading,
  StaffLoading,
  WorkingDays,
} from '../ui.tsx';

const VIEWS = ['open', 'escalated', 'waiting', 'approved', 'rejected'] as const;
type View = (typeof VIEWS)[number];

function filterOf(view: View, page: number): TaskFilter {
  if (view === 'escalated') return { escalated: 'true', status: 'open', page };
  return { status: view, page };
}

/** The application queue. */
export function TaskQueueScreen() {
  const { t } = useTranslation('staff');
  const { language } = useSettings();
  const screens = Grid.useBreakpoint();
  const wide = screens.md ?? false;
  const [params, setParams] = useSearchParams();
  const view = (VIEWS as readonly string[]).includes(params.get('view') ?? '') ? (params.get('view') as View) : 'open';
  const page = Number(params.get('page') ?? '1') || 1;
  const query = useApplicationTasks(filterOf(view, page));
  const items = query.data?.items ?? [];

  const service = (task: ApplicationTask) =>
    pick(language, task.application.serviceNameZh, task.application.serviceNameEn);
  const step = (task: ApplicationTask) => pick(language, task.step.nameZh, task.step.nameEn);
  const days = (task: ApplicationTask) => (
    <WorkingDays days={task.remainingWorkingDays} overdue={task.overdue} paused={task.paused} />
  );

  const columns: ColumnsType<ApplicationTask> = [
    {
      title: t('tasks.columns.application'),
      key: 'service',
      render: (_v, task) => (
        <span className="wo-cell">
          <Link to={`/staff/applications/${task.application.id}`} className="wo-cell__title">
            {service(task)}
          </Link>
          <span className="staff-weak">{task.application.trackingNo ?? ''}</span>
        </span>
      ),
    },
    {
      title: t('tasks.columns.step'),
      key: 'step',
      render: (_v, task) => (
        <span className="wo-card__tags">
          <span>{step(task)}</span>
          <EscalationTag level={task.escalationLevel} />
        </span>
      ),
    },
    {
      title: t('tasks.columns.submitted'),
      key: 'submitted',
      render: (_v, task) => (
        <span className="staff-nowrap">{formatDateTime(language, task.application.submittedAt ?? task.openedAt)}</span>
      ),
    },
    { title: t('tasks.columns.due'), key: 'due', render: (_v, task) => days(task) },
  ];

  return (
    <div className="staff-page">
      <StaffHeading title={t('tasks.title')} />
      <p className="staff-lead">{t('tasks.intro')}</p>
      <div className="staff-filters">
        <Segmented
          value={view}
          onChange={(value) => {
            const next = new URLSearchParams();
            if (value !== 'open') next.set('view', String(value));
            setParams(next, { replace: true });
          }}
          options={VIEWS.map((v) => ({ value: v, label: t(`tasks.views.${v}`) }))}
          aria-label={t('tasks.viewLabel')}
          className="staff-segmented-scroll"
        />
      </div>
      {query.isPending ? (
        <StaffLoading rows={6} />
      ) : query.isError ? (
        <StaffError error={query.error} onRetry={() => query.refetch()} />
      ) : items.length === 0 ? (
        <StaffEmpty title={t('tasks.emptyTitle')} hint={t('tasks.emptyHint')} />
      ) : wide ? (
        <Table<ApplicationTask>
          rowKey="taskId"
          columns={columns}
          dataSource={items}
          pagination={false}
          className="wo-table"
        />
      ) : (
        <ul className="wo-cards">
          {items.map((task) => (
            <li key={task.taskId} className="wo-card">
              <Link to={`/staff/applications/${task.application.id}`} className="wo-card__link">
                <span className="wo-card__title">{service(task)}</span>
                <span className="wo-card__tags">
                  <span className="pill pill--blue">{step(task)}</span>
                  <EscalationTag level={task.escalationLevel} />
                </span>
                {days(task)}
                <span className="wo-card__meta">
                  {task.application.trackingNo ? <span>{task.application.trackingNo}</span> : null}
                  <span>{formatDateTime(language, task.application.submittedAt ?? task.openedAt)}</span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {query.data && query.data.total > query.data.pageSize ? (
        <Pagination
          className="staff-pagination"
          current={page}
          pageSize={query.data.pageSize}
          total={query.data.total}
          showSizeChanger={false}
          onChange={(p) => {
            const next = new URLSearchParams(params);
            next.set('page', String(p));
            setParams(next, { replace: true });
          }}
        />
      ) : null}
    </div>
  );
}
