/** Says plainly that fees are taken by the development payment provider, which moves no money. */
import { useTranslation } from 'react-i18next';

/** The development provider's notice, shown wherever a fee is paid. */
export function DevPaymentNotice() {
  const { t } = useTranslation('government');
  return (
    <div className="notice notice--dev" role="note">
      <strong>{t('fee.devTitle')}</strong>
      <span>{t('fee.devBody')}</span>
    </div>
  );
}
