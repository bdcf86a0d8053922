/** A workbench address that leads nowhere. */
import { Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useStaffTitle } from './ui.tsx';

/** The workbench's "not found" screen. */
export function StaffNotFound() {
  const { t } = useTranslation('staff');
  useStaffTitle(t('notFound.title'));
  return (
    <div className="staff-page">
      <Result
        status="404"
        title={<h1 className="staff-heading__title">{t('notFound.title')}</h1>}
        subTitle={t('notFound.hint')}
        extra={<Link to="/staff">{t('notFound.back')}</Link>}
      />
    </div>
  );
}
