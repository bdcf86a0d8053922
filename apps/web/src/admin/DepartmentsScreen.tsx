/** The city's departments (委办局): codes, names and hotlines. */

import type { Breakpoint } from 'antd';
import { Table } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Department } from '#contracts';
import { useDepartments } from '../shared/api/admin.ts';
import { pick } from '../shared/format.ts';
import { useSettings } from '../shared/settings.ts';
import { useAdminProfile } from './AdminArea.tsx';
import { Code, LoadError, ScreenHeading } from './ui.tsx';

/** The screen. */
export function DepartmentsScreen() {
  const { t } = useTranslation('admin');
  const { language } = useSettings();
  const profile = useAdminProfile();
  const departments = useDepartments(profile.cityId);
  return (
    <>
      <ScreenHeading title={t('departments.title')} intro={t('departments.intro')} />
      {departments.isError ? (
        <LoadError error={departments.error} onRetry={() => void departments.refetch()} />
      ) : (
        <Table<Department>
          rowKey="id"
          loading={departments.isPending}
          dataSource={departments.data?.items ?? []}
          pagination={false}
          columns={[
            {
              responsive: ['md'] as Breakpoint[],
              title: t('departments.code'),
              dataIndex: 'code',
              render: (code: string) => <Code>{code}</Code>,
            },
            { title: t('departments.name'), render: (_, d) => pick(language, d.nameZh, d.nameEn) },
            {
              responsive: ['md'] as Breakpoint[],
              title: t('departments.short'),
              render: (_, d) => pick(language, d.shortZh, d.shortEn),
            },
            { title: t('departments.hotline'), dataIndex: 'hotline', render: (h: string | null) => h ?? '—' },
          ]}
        />
      )}
    </>
  );
}
