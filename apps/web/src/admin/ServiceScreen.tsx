/**
 * One service: what it is, its versions (who changed it, when and why) and its definition as
 * JSON to edit. Saving makes a new version; the server checks the definition and every
 * problem it finds is listed by field.
 */

import type { Breakpoint } from 'antd';
import { Alert, App, Breadcrumb, Button, Descriptions, Form, Input, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { type ServiceVersion, useSaveService, useServiceDetail, useServiceVersions } from '../shared/api/admin.ts';
import { ApiError, type FieldProblem } from '../shared/api/client.ts';
import { pick } from '../shared/format.ts';
import { useSettings } from '../shared/settings.ts';
import { useErrorMessage } from '../shared/ui/states.tsx';
import { useAdminProfile } from './AdminArea.tsx';
import { Code, LoadError, ScreenHeading } from './ui.tsx';

/** The screen. */
export function ServiceScreen() {
  const { t } = useTranslation('admin');
  const { language } = useSettings();
  const { code = '' } = useParams();
  const profile = useAdminProfile();
  const detail = useServiceDetail(profile.cityId, code);
  const versions = useServiceVersions(profile.cityId, code);

  if (detail.isError) {
    return (
      <>
        <ScreenHeading title={t('services.detailTitle')} />
        <LoadError error={detail.error} onRetry={() => void detail.refetch()} />
      </>
    );
  }
  const service = detail.data;
  const name = service ? pick(language, service.nameZh, service.nameEn) : code;
  return (
    <>
      <Breadcrumb
        className="admin-breadcrumb"
        items={[{ title: <Link to="/admin/services">{t('services.title')}</Link> }, { title: name }]}
      />
      <ScreenHeading title={name} intro={service ? pick(language, service.summaryZh, service.summaryEn) : undefined} />
      {service ? (
        <Descriptions
          bordered
          size="small"
          column={{ xs: 1, md: 2, xl: 3 }}
          className="admin-section"
          items={[
            { key: 'code', label: t('services.code'), children: <Code>{service.code}</Code> },
            {
              key: 'department',
              label: t('services.department'),
              children: pick(language, service.department.nameZh, service.department.nameEn),
            },
            { key: 'version', label: t('services.version'), children: <span lang="zxx">v{service.version}</span> },
            { key: 'legal', label: t('services.legal'), children: t('services.days', { count: service.legalDays }) },
            {
              key: 'promised',
              label: t('services.promised'),
              children: t('services.days', { count: service.promisedDays }),
            },
            {
              key: 'online',
              label: t('services.online'),
              children: service.online ? t('services.onlineYes') : t('services.visits', { count: service.visits }),
            },
          ]}
        />
      ) : null}
      <section className="admin-section" aria-labelledby="versions-title">
        <h2 id="versions-title" className="admin-section__title">
          {t('services.versions')}
        </h2>
        {versions.isError ? (
          <LoadError error={versions.error} onRetry={() => void versions.refetch()} />
        ) : (
          <Table<ServiceVersion>
            rowKey="version"
            size="small"
            loading={versions.isPending}
            dataSource={versions.data?.items ?? []}
            pagination={{ pageSize: 5, hideOnSinglePage: true }}
            columns={[
              {
                title: t('services.version'),
                render: (_, v) => (
                  <>
                    <span lang="zxx">v{v.version}</span>{' '}
                    {service && v.version === service.version ? <Tag color="green">{t('services.inForce')}</Tag> : null}
                  </>
                ),
              },
              { title: t('services.note'), dataIndex: 'note' },
              {
                responsive: ['md'] as Breakpoint[],
                title: t('services.changedAt'),
                render: (_, v) => new Date(v.createdAt).toLocaleString(language),
              },
            ]}
          />
        )}
      </section>
      {service ? <SpecEditor city={profile.cityId} code={code} spec={service.spec} version={service.version} /> : null}
    </>
  );
}

function SpecEditor({
  city,
  code,
  spec,
  version,
}: {
  city: string;
  code: string;
  spec: Record<string, unknown>;
  version: number;
}) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const save = useSaveService(city, code);
  const errorMessage = useErrorMessage();
  const [text, setText] = useState(() => JSON.stringify(spec, null, 2));
  const [note, setNote] = useState('');
  const [syntax, setSyntax] = useState(false);
  const [problems, setProblems] = useState<FieldProblem[]>([]);

  // A newer version loaded (after saving): start from it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new version replaces the text
  useEffect(() => setText(JSON.stringify(spec, null, 2)), [version]);

  const submit = async () => {
    setProblems([]);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
      setSyntax(false);
    } catch {
      setSyntax(true);
      return;
    }
    try {
      const saved = await save.mutateAsync({ spec: parsed, note });
      setNote('');
      void message.success(
        saved.outcome === 'unchanged' ? t('services.unchanged') : t('services.saved', { version: saved.version }),
      );
    } catch (error) {
      if (error instanceof ApiError) setProblems(error.errors);
    }
  };

  return (
    <section className="admin-section" aria-labelledby="spec-title">
      <h2 id="spec-title" className="admin-section__title">
        {t('services.spec')}
      </h2>
      <p className="admin-hint">{t('services.specHint')}</p>
      <Form layout="vertical" onFinish={submit}>
        <Form.Item
          label={t('services.specLabel')}
          htmlFor="service-spec"
          validateStatus={syntax ? 'error' : undefined}
          help={syntax ? t('services.syntax') : undefined}
        >
          <Input.TextArea
            id="service-spec"
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoSize={{ minRows: 12, maxRows: 28 }}
            spellCheck={false}
            className="admin-json"
            lang="zxx"
          />
        </Form.Item>
        <Form.Item label={t('services.note')} htmlFor="service-note" required>
          <Input id="service-note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
        </Form.Item>
        {save.isError ? (
          <Alert
            type="error"
            showIcon
            className="admin-once"
            title={errorMessage(save.error)}
            description={
              problems.length ? (
                <ul className="admin-problems">
                  {problems.map((p) => (
                    <li key={`${p.field}:${p.message}`}>
                      <Code>{p.field.replace(/^body\./, '')}</Code> {p.message}
                    </li>
                  ))}
                </ul>
              ) : undefined
            }
          />
        ) : null}
        <Button type="primary" htmlType="submit" loading={save.isPending} disabled={!note.trim()}>
          {t('services.save')}
        </Button>
      </Form>
    </section>
  );
}
