/**
 * Report categories and dispatch rules: which department handles a category where (rules in
 * force, or every version), publishing a new version of a rule, and the categories with their
 * priorities and time limits.
 */
import { PlusOutlined } from '@ant-design/icons';
import type { Breakpoint } from 'antd';
import { Alert, App, Button, Form, Input, Modal, Select, Switch, Table, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type DispatchRule,
  type NewDispatchRule,
  type ReportCategory,
  useDepartments,
  useDispatchRules,
  usePublishDispatchRule,
  useReportCategories,
  useZones,
} from '../shared/api/admin.ts';
import { pick } from '../shared/format.ts';
import { useSettings } from '../shared/settings.ts';
import { useErrorMessage } from '../shared/ui/states.tsx';
import { useAdminProfile } from './AdminArea.tsx';
import { Code, LoadError, langOf, ScreenHeading } from './ui.tsx';

const PRIORITY_COLOURS = { urgent: 'red', high: 'orange', normal: 'blue', low: 'default' } as const;

/** Minutes as "30 min", "4 h", "2 d". */
function useDuration() {
  const { t } = useTranslation('admin');
  return (minutes: number) => {
    if (minutes % 1440 === 0) return t('duration.days', { count: minutes / 1440 });
    if (minutes % 60 === 0) return t('duration.hours', { count: minutes / 60 });
    return t('duration.minutes', { count: minutes });
  };
}

/** The screen. */
export function DispatchScreen() {
  const { t } = useTranslation('admin');
  return (
    <>
      <ScreenHeading title={t('dispatch.title')} intro={t('dispatch.intro')} />
      <Tabs
        items={[
          { key: 'rules', label: t('dispatch.rulesTab'), children: <RulesTab /> },
          { key: 'categories', label: t('dispatch.categoriesTab'), children: <CategoriesTab /> },
        ]}
      />
    </>
  );
}

function RulesTab() {
  const { t } = useTranslation('admin');
  const { language } = useSettings();
  const profile = useAdminProfile();
  const city = profile.cityId;
  const [category, setCategory] = useState<string | undefined>();
  const [history, setHistory] = useState(false);
  const rules = useDispatchRules(city, { category, history });
  const categories = useReportCategories(city);
  const departments = useDepartments(city);
  const [publishing, setPublishing] = useState<Partial<NewDispatchRule> | null>(null);

  const categoryList = (categories.data?.items ?? []).flatMap((g) => g.categories);
  const categoryName = (code: string) => {
    const c = categoryList.find((x) => x.code === code);
    return c ? pick(language, c.nameZh, c.nameEn) : code;
  };
  const departmentName = (code: string) => {
    const d = departments.data?.items.find((x) => x.code === code);
    return d ? pick(language, d.shortZh, d.shortEn) : code;
  };
  const categoryOptions = (categories.data?.items ?? []).map((g) => ({
    label: pick(language, g.nameZh, g.nameEn),
    options: g.categories.map((c) => ({ value: c.code, label: pick(language, c.nameZh, c.nameEn) })),
  }));

  return (
    <>
      <div className="admin-filters">
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          aria-label={t('dispatch.category')}
          placeholder={t('dispatch.allCategories')}
          options={categoryOptions}
          value={category}
          onChange={(value?: string) => setCategory(value)}
          className="admin-filters__select"
        />
        <span className="admin-switch">
          <Switch id="dispatch-history" checked={history} onChange={setHistory} />
          <label htmlFor="dispatch-history">{t('dispatch.history')}</label>
        </span>
        <Button
          type="primary"
          icon={<PlusOutlined aria-hidden="true" aria-label={undefined} />}
          onClick={() => setPublishing(category ? { categoryCode: category } : {})}
          className="admin-filters__end"
        >
          {t('dispatch.publish')}
        </Button>
      </div>
      {rules.isError ? (
        <LoadError error={rules.error} onRetry={() => void rules.refetch()} />
      ) : (
        <Table<DispatchRule>
          rowKey="id"
          loading={rules.isPending || rules.isFetching}
          dataSource={rules.data?.items ?? []}
          pagination={{ pageSize: 20, showTotal: (total) => t('total', { count: total }), hideOnSinglePage: true }}
          locale={{ emptyText: t('dispatch.none') }}
          columns={[
            { title: t('dispatch.category'), render: (_, r) => categoryName(r.categoryCode) },
            {
              title: t('dispatch.zone'),
              render: (_, r) => (
                <>
                  <Code>{r.zoneCode}</Code> <Tag>{t(`zoneLevels.${r.zoneLevel}`)}</Tag>
                </>
              ),
            },
            { title: t('dispatch.department'), render: (_, r) => departmentName(r.departmentCode) },
            {
              responsive: ['md'] as Breakpoint[],
              title: t('dispatch.version'),
              render: (_, r) => (
                <>
                  <span lang="zxx">v{r.version}</span>{' '}
                  {r.current ? <Tag color="green">{t('dispatch.current')}</Tag> : null}
                </>
              ),
            },
            {
              responsive: ['lg'] as Breakpoint[],
              title: t('dispatch.reason'),
              render: (_: unknown, r: DispatchRule) => <span lang={langOf(r.reason)}>{r.reason}</span>,
            },
            {
              responsive: ['lg'] as Breakpoint[],
              title: t('dispatch.changedAt'),
              render: (_, r) => new Date(r.createdAt).toLocaleString(language),
            },
            {
              title: t('dispatch.actions'),
              render: (_, r) =>
                r.current ? (
                  <Button
                    size="small"
                    onClick={() =>
                      setPublishing({
                        categoryCode: r.categoryCode,
                        zoneCode: r.zoneCode,
                        departmentCode: r.departmentCode,
                      })
                    }
                  >
                    {t('dispatch.change')}
                  </Button>
                ) : null,
            },
          ]}
        />
      )}
      <PublishModal
        city={city}
        initial={publishing}
        categoryOptions={categoryOptions}
        departmentOptions={(departments.data?.items ?? []).map((d) => ({
          value: d.code,
          label: pick(language, d.shortZh, d.shortEn),
        }))}
        onClose={() => setPublishing(null)}
      />
    </>
  );
}

function PublishModal({
  city,
  initial,
  categoryOptions,
  departmentOptions,
  onClose,
}: {
  city: string;
  initial: Partial<NewDispatchRule> | null;
  categoryOptions: { label: string; options: { value: string; label: string }[] }[];
  departmentOptions: { value: string; label: string }[];
  onClose: () => void;
}) {
  const { t } = useTranslation('admin');
  const { language } = useSettings();
  const [form] = Form.useForm<NewDispatchRule>();
  const publish = usePublishDispatchRule(city);
  const zones = useZones(city);
  const errorMessage = useErrorMessage();
  const { message } = App.useApp();
  const zoneOptions = (zones.data?.items ?? []).map((z) => ({
    value: z.code,
    label: `${pick(language, z.nameZh, z.nameEn)} (${z.code})`,
  }));
  return (
    <Modal
      open={initial !== null}
      title={t('dispatch.publishTitle')}
      okText={t('dispatch.publishOk')}
      cancelText={t('cancel')}
      confirmLoading={publish.isPending}
      onOk={() => form.submit()}
      onCancel={() => {
        publish.reset();
        onClose();
      }}
      destroyOnHidden
    >
      <p className="admin-hint">{t('dispatch.publishHint')}</p>
      {publish.isError ? (
        <Alert type="error" showIcon title={errorMessage(publish.error)} className="admin-once" />
      ) : null}
      <Form<NewDispatchRule>
        form={form}
        layout="vertical"
        initialValues={initial ?? {}}
        onFinish={async (values) => {
          try {
            const rule = await publish.mutateAsync(values);
            void message.success(t('dispatch.published', { version: rule.version }));
            publish.reset();
            onClose();
          } catch {
            // Shown above the form.
          }
        }}
      >
        <Form.Item
          name="categoryCode"
          label={t('dispatch.category')}
          rules={[{ required: true, message: t('dispatch.required') }]}
        >
          <Select showSearch optionFilterProp="label" options={categoryOptions} />
        </Form.Item>
        <Form.Item
          name="zoneCode"
          label={t('dispatch.zone')}
          rules={[{ required: true, message: t('dispatch.required') }]}
        >
          <Select showSearch optionFilterProp="label" options={zoneOptions} loading={zones.isPending} />
        </Form.Item>
        <Form.Item
          name="departmentCode"
          label={t('dispatch.department')}
          rules={[{ required: true, message: t('dispatch.required') }]}
        >
          <Select showSearch optionFilterProp="label" options={departmentOptions} />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('dispatch.reason')}
          rules={[{ required: true, whitespace: true, message: t('dispatch.reasonRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={500} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function CategoriesTab() {
  const { t } = useTranslation('admin');
  const { language } = useSettings();
  const profile = useAdminProfile();
  const categories = useReportCategories(profile.cityId);
  const departments = useDepartments(profile.cityId);
  const duration = useDuration();
  const departmentName = (code: string) => {
    const d = departments.data?.items.find((x) => x.code === code);
    return d ? pick(language, d.shortZh, d.shortEn) : code;
  };
  if (categories.isError) return <LoadError error={categories.error} onRetry={() => void categories.refetch()} />;
  const rows = (categories.data?.items ?? []).flatMap((g) =>
    g.categories.map((c) => ({ ...c, group: pick(language, g.nameZh, g.nameEn) })),
  );
  return (
    <Table<ReportCategory & { group: string }>
      rowKey="code"
      loading={categories.isPending}
      dataSource={rows}
      pagination={{ pageSize: 25, hideOnSinglePage: true, showTotal: (total) => t('total', { count: total }) }}
      columns={[
        { responsive: ['md'] as Breakpoint[], title: t('categories.group'), dataIndex: 'group' },
        {
          title: t('categories.name'),
          render: (_, c) => (
            <>
              {pick(language, c.nameZh, c.nameEn)} <Code className="admin-muted-code">{c.code}</Code>
            </>
          ),
        },
        {
          responsive: ['md'] as Breakpoint[],
          title: t('categories.department'),
          render: (_, c) => departmentName(c.defaultDepartmentCode),
        },
        {
          title: t('categories.priority'),
          render: (_, c) => <Tag color={PRIORITY_COLOURS[c.priority]}>{t(`priorities.${c.priority}`)}</Tag>,
        },
        {
          responsive: ['lg'] as Breakpoint[],
          title: t('categories.accept'),
          render: (_, c) => duration(c.acceptWithinMinutes),
        },
        {
          responsive: ['lg'] as Breakpoint[],
          title: t('categories.resolve'),
          render: (_, c) => duration(c.resolveWithinMinutes),
        },
        {
          title: t('categories.sensitive'),
          render: (_, c) => (c.sensitive ? <Tag color="gold">{t('categories.coarse')}</Tag> : null),
        },
      ]}
    />
  );
}
