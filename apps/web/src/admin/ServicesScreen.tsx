/** The service catalog, a page at a time, by department; a service opens its detail and editor. */

import type { Breakpoint } from 'antd';
import { Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ServiceSummary } from '#contracts';
import { type ServiceFilter, useDepartments, useServiceList } from '../shared/api/admin.ts';
import { pick } from '../shared/format.ts';
import { useSettings } from '../shared/settings.ts';
import { useAdminProfile } from './AdminArea.tsx';
import { Code, LoadError, ScreenHeading } from './ui.tsx';

/** The screen. */
export function ServicesScreen() {
  const { t } = useTranslation('admin');
  const { language } = useSettings();
  const profile = useAdminProfile();
  const departments = useDepartments(profile.cityId);
  const [filter, setFilter] = useState<ServiceFilter>({ page: 1, pageSize: 20 });
  const services = useServiceList(profile.cityId, filter);
  return (
    <>
      <ScreenHeading title={t('services.title')} intro={t('services.intro')} />
      <div className="admin-filters">
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          aria-label={t('services.department')}
          placeholder={t('services.allDepartments')}
          value={filter.department}
          onChange={(department?: string) => setFilter((f) => ({ ...f, department, page: 1 }))}
          options={(departments.data?.items ?? []).map((d) => ({
            value: d.code,
            label: pick(language, d.shortZh, d.shortEn),
          }))}
          className="admin-filters__select"
        />
      </div>
      {services.isError ? (
        <LoadError error={services.error} onRetry={() => void services.refetch()} />
      ) : (
        <Table<ServiceSummary>
          rowKey="code"
          loading={services.isPending || services.isFetching}
          dataSource={services.data?.items ?? []}
          pagination={{
            current: filter.page,
            pageSize: filter.pageSize,
            total: services.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('total', { count: total }),
            onChange: (page, pageSize) => setFilter((f) => ({ ...f, page, pageSize })),
          }}
          columns={[
            {
              title: t('services.name'),
              render: (_, s) => (
                <Link to={`/admin/services/${encodeURIComponent(s.code)}`}>{pick(language, s.nameZh, s.nameEn)}</Link>
              ),
            },
            {
              responsive: ['lg'] as Breakpoint[],
              title: t('services.code'),
              dataIndex: 'code',
              render: (code: string) => <Code>{code}</Code>,
            },
            {
              title: t('services.department'),
              render: (_, s) => {
                const d = departments.data?.items.find((x) => x.code === s.department.code);
                return d
                  ? pick(language, d.shortZh, d.shortEn)
                  : pick(language, s.department.nameZh, s.department.nameEn);
              },
            },
            {
              responsive: ['md'] as Breakpoint[],
              title: t('services.online'),
              render: (_, s) =>
                s.online ? (
                  <Tag color="green">{t('services.onlineYes')}</Tag>
                ) : (
                  <Tag>{t('services.visits', { count: s.visits })}</Tag>
                ),
            },
            {
              responsive: ['md'] as Breakpoint[],
              title: t('services.promised'),
              render: (_, s) => t('services.days', { count: s.promisedDays }),
            },
            {
              responsive: ['lg'] as Breakpoint[],
              title: t('services.version'),
              render: (_, s) => <span lang="zxx">v{s.version}</span>,
            },
          ]}
        />
      )}
    </>
  );
}
