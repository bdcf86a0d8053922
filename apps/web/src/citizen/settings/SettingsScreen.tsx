/** Settings kept on this device: the language and elder mode (适老化: larger type, larger targets, simpler screens). */
import { Radio, Switch } from 'antd-mobile';
import { LockOutline, RightOutline } from 'antd-mobile-icons';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { changeLanguage } from '../../shared/i18n/index.ts';
import { LANGUAGES, type Language, updateSettings, useSettings } from '../../shared/settings.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';

const LANGUAGE_NAMES: Record<Language, string> = { 'zh-CN': '简体中文', en: 'English' };

/** The settings screen. */
export function SettingsScreen() {
  const { t } = useTranslation();
  const { language, elder } = useSettings();
  const [busy, setBusy] = useState(false);
  const ids = { language: useId(), elder: useId(), elderHint: useId() };
  useDocumentTitle(t('settings.title'));
  return (
    <div className="page page--narrow settings">
      <PageHeading title={t('settings.title')} back />
      <section className="card" aria-labelledby={ids.language}>
        <h2 id={ids.language} className="card__title">
          {t('settings.language')}
        </h2>
        <Radio.Group
          value={language}
          disabled={busy}
          onChange={async (value) => {
            setBusy(true);
            try {
              await changeLanguage(value as Language);
            } finally {
              setBusy(false);
            }
          }}
        >
          <ul className="option-list">
            {LANGUAGES.map((value) => (
              <li key={value}>
                <Radio value={value} className="option" block>
                  <span lang={value}>{LANGUAGE_NAMES[value]}</span>
                </Radio>
              </li>
            ))}
          </ul>
        </Radio.Group>
      </section>
      <section className="card" aria-labelledby={ids.elder}>
        <div className="setting-row">
          <div>
            <h2 id={ids.elder} className="card__title">
              {t('settings.elder')}
            </h2>
            <p id={ids.elderHint} className="hint">
              {t('settings.elderHint')}
            </p>
          </div>
          <Switch
            checked={elder}
            onChange={(checked) => updateSettings({ elder: checked })}
            aria-labelledby={ids.elder}
            aria-describedby={ids.elderHint}
          />
        </div>
      </section>
      <ul className="link-list card">
        <li>
          <Link to="/me/privacy" className="link-list__item">
            <LockOutline aria-hidden="true" />
            <span>{t('settings.privacy')}</span>
            <RightOutline aria-hidden="true" className="link-list__chevron" />
          </Link>
        </li>
      </ul>
      <section className="card" aria-labelledby="about-title">
        <h2 id="about-title" className="card__title">
          {t('settings.about')}
        </h2>
        <p className="hint">{t('settings.aboutBody')}</p>
      </section>
    </div>
  );
}
