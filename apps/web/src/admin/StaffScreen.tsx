/**
 * Staff accounts: the list (by department, searchable), a new account with a one-time initial
 * password shown once, and resetting a lost second factor.
 */
import { PlusOutlined } from '@ant-design/icons';
import type { Breakpoint } from 'antd';
import {
  Alert,
  App,
  Button,
  Checkbox,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CreatedStaff, CreateStaffRequest, StaffRoleName } from '#contracts';
import {
  type StaffAccount,
  type StaffFilter,
  useCreateStaff,
  useDepartments,
  useResetSecondFactor,
  useStaffList,
  useZones,
} from '../shared/api/admin.ts';
import { ApiError } from '../shared/api/client.ts';
import { pick } from '../shared/format.ts';
import { useSettings } from '../shared/settings.ts';
import { useErrorMessage } from '../shared/ui/states.tsx';
import { useAdminProfile } from './AdminArea.tsx';
import { Code, LoadError, langOf, ScreenHeading } from './ui.tsx';

/** Every staff role, in the order the form offers them. */
const ROLES: StaffRoleName[] = [
  'clerk',
  'supervisor',
  'field_crew',
  'department_admin',
  'operations_viewer',
  'platform_admin',
];

/** The screen. */
export function StaffScreen() {
  const { t } = useTranslation('admin');
  const { language } = useSettings();
  const profile = useAdminProfile();
  const departments = useDepartments(profile.cityId);
  const [filter, setFilter] = useState<StaffFilter>({ page: 1, pageSize: 20 });
  const list = useStaffList(filter);
  const reset = useResetSecondFactor();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedStaff | null>(null);

  const departmentName = (code: string) => {
    const d = departments.data?.items.find((x) => x.code === code);
    return d ? pick(language, d.shortZh, d.shortEn) : code;
  };
  const departmentOptions = (departments.data?.items ?? []).map((d) => ({
    value: d.code,
    label: pick(language, d.shortZh, d.shortEn),
  }));

  return (
    <>
      <ScreenHeading
        title={t('staff.title')}
        intro={t('staff.intro')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined aria-hidden="true" aria-label={undefined} />}
            onClick={() => setCreating(true)}
          >
            {t('staff.create')}
          </Button>
        }
      />
      <search className="admin-filters">
        <Input.Search
          allowClear
          aria-label={t('staff.search')}
          placeholder={t('staff.search')}
          enterButton={t('staff.find')}
          onSearch={(q) => setFilter((f) => ({ ...f, q: q || undefined, page: 1 }))}
          className="admin-filters__search"
        />
        <Select
          allowClear
          aria-label={t('staff.department')}
          placeholder={t('staff.allDepartments')}
          options={departmentOptions}
          value={filter.department}
          onChange={(department?: string) => setFilter((f) => ({ ...f, department, page: 1 }))}
          className="admin-filters__select"
        />
      </search>
      {list.isError ? (
        <LoadError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<StaffAccount>
          rowKey="id"
          loading={list.isPending || list.isFetching}
          dataSource={list.data?.items ?? []}
          pagination={{
            current: filter.page,
            pageSize: filter.pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('total', { count: total }),
            onChange: (page, pageSize) => setFilter((f) => ({ ...f, page, pageSize })),
          }}
          columns={[
            {
              title: t('staff.name'),
              render: (_, s) => (
                <div className="admin-person">
                  <span className="admin-person__name" lang={langOf(s.displayName)}>
                    {s.displayName}
                  </span>
                  <Code className="admin-person__username">{s.username}</Code>
                </div>
              ),
            },
            {
              responsive: ['md'] as Breakpoint[],
              title: t('staff.department'),
              render: (_, s) => departmentName(s.departmentCode),
            },
            {
              title: t('staff.roles'),
              render: (_, s) => (
                <Space size={[4, 4]} wrap>
                  {s.roles.map((role) => (
                    <Tag key={role} color={role === 'platform_admin' ? 'purple' : 'blue'}>
                      {t(`roles.${role}`)}
                    </Tag>
                  ))}
                </Space>
              ),
            },
            {
              responsive: ['lg'] as Breakpoint[],
              title: t('staff.jurisdiction'),
              render: (_, s) =>
                s.jurisdiction.length ? <Code>{s.jurisdiction.join(', ')}</Code> : t('staff.wholeCity'),
            },
            {
              responsive: ['md'] as Breakpoint[],
              title: t('staff.state'),
              render: (_, s) => (
                <Space size={[4, 4]} wrap>
                  {s.status === 'disabled' ? <Tag>{t('staff.disabled')}</Tag> : null}
                  {s.locked ? <Tag color="red">{t('staff.locked')}</Tag> : null}
                  {s.mustChangePassword ? <Tag color="orange">{t('staff.initialPassword')}</Tag> : null}
                  <Tag color={s.secondFactor ? 'green' : 'default'}>
                    {s.secondFactor ? t('staff.secondFactorOn') : t('staff.secondFactorOff')}
                  </Tag>
                </Space>
              ),
            },
            {
              title: t('staff.actions'),
              render: (_, s) => (
                <Popconfirm
                  title={t('staff.resetTitle', { name: s.displayName })}
                  description={t('staff.resetHint')}
                  okText={t('staff.resetOk')}
                  cancelText={t('cancel')}
                  onConfirm={() =>
                    reset
                      .mutateAsync(s.id)
                      .then(() => void message.success(t('staff.resetDone', { name: s.displayName })))
                      .catch((error: unknown) => void message.error(errorMessage(error)))
                  }
                >
                  <Button size="small" disabled={!s.secondFactor}>
                    {t('staff.reset')}
                  </Button>
                </Popconfirm>
              ),
            },
          ]}
        />
      )}
      <CreateStaffModal
        open={creating}
        city={profile.cityId}
        departmentOptions={departmentOptions}
        onClose={() => setCreating(false)}
        onCreated={(account) => {
          setCreating(false);
          setCreated(account);
        }}
      />
      <Modal
        open={created !== null}
        title={t('staff.createdTitle')}
        onCancel={() => setCreated(null)}
        footer={
          <Button type="primary" onClick={() => setCreated(null)}>
            {t('staff.createdDone')}
          </Button>
        }
      >
        {created ? (
          <>
            <Alert type="warning" showIcon title={t('staff.createdOnce')} className="admin-once" />
            <dl className="admin-created">
              <dt>{t('staff.username')}</dt>
              <dd>
                <Code>{created.username}</Code>
              </dd>
              <dt>{t('staff.initialPasswordLabel')}</dt>
              <dd>
                <Typography.Text code copyable lang="zxx" data-testid="initial-password">
                  {created.initialPassword}
                </Typography.Text>
              </dd>
            </dl>
          </>
        ) : null}
      </Modal>
    </>
  );
}

interface CreateValues {
  departmentCode: string;
  username: string;
  displayName: string;
  roles: StaffRoleName[];
  jurisdiction?: string[];
}

function CreateStaffModal({
  open,
  city,
  departmentOptions,
  onClose,
  onCreated,
}: {
  open: boolean;
  city: string;
  departmentOptions: { value: string; label: string }[];
  onClose: () => void;
  onCreated: (account: CreatedStaff) => void;
}) {
  const { t } = useTranslation('admin');
  const { language } = useSettings();
  const [form] = Form.useForm<CreateValues>();
  const create = useCreateStaff();
  const zones = useZones(city);
  const errorMessage = useErrorMessage();
  const zoneOptions = (zones.data?.items ?? [])
    .filter((z) => z.level !== 'grid')
    .map((z) => ({ value: z.code, label: `${pick(language, z.nameZh, z.nameEn)} (${z.code})` }));

  const submit = async (values: CreateValues) => {
    const input: CreateStaffRequest = {
      city,
      departmentCode: values.departmentCode,
      username: values.username,
      displayName: values.displayName,
      roles: values.roles,
      jurisdiction: values.jurisdiction ?? [],
    };
    try {
      const account = await create.mutateAsync(input);
      form.resetFields();
      onCreated(account);
    } catch (error) {
      if (error instanceof ApiError && error.errors.length) {
        form.setFields(
          error.errors.map((e) => ({
            name: (e.field.replace(/^body\.?/, '').split('.')[0] || 'username') as keyof CreateValues,
            errors: [e.message],
          })),
        );
      }
    }
  };

  return (
    <Modal
      open={open}
      title={t('staff.createTitle')}
      okText={t('staff.createOk')}
      cancelText={t('cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {create.isError ? (
        <Alert type="error" showIcon title={errorMessage(create.error)} className="admin-once" />
      ) : null}
      <Form<CreateValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        requiredMark
        initialValues={{ roles: ['clerk'] }}
      >
        <Form.Item
          name="departmentCode"
          label={t('staff.department')}
          rules={[{ required: true, message: t('staff.required.department') }]}
        >
          <Select options={departmentOptions} showSearch optionFilterProp="label" />
        </Form.Item>
        <Form.Item
          name="username"
          label={t('staff.username')}
          extra={t('staff.usernameHint')}
          rules={[
            { required: true, message: t('staff.required.username') },
            { pattern: /^[a-z0-9][a-z0-9._-]{2,63}$/, message: t('staff.usernameHint') },
          ]}
        >
          <Input autoComplete="off" spellCheck={false} />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('staff.displayName')}
          rules={[{ required: true, whitespace: true, message: t('staff.required.displayName') }]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="roles"
          label={t('staff.roles')}
          rules={[
            {
              validator: (_, value?: StaffRoleName[]) =>
                value?.length ? Promise.resolve() : Promise.reject(new Error(t('staff.required.roles'))),
            },
          ]}
        >
          <Checkbox.Group
            role="group"
            aria-label={t('staff.roles')}
            options={ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
          />
        </Form.Item>
        <Form.Item name="jurisdiction" label={t('staff.jurisdiction')} extra={t('staff.jurisdictionHint')}>
          <Select mode="multiple" options={zoneOptions} optionFilterProp="label" loading={zones.isPending} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
