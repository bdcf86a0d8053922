/**
 * Ant Design (`antd`) for the staff workbench, the operations screen and administration: its
 * own texts in the user's language, and colour tokens dark enough for WCAG AA contrast. Only
 * those areas import it, so the citizen app's bundle never carries antd.
 */
import { App as AntdApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import type { ReactNode } from 'react';
import { useSettings } from '../settings.ts';

/** Wraps an antd area of the app. */
export function AntdProvider({ children }: { children: ReactNode }) {
  const { language } = useSettings();
  return (
    <ConfigProvider
      locale={language === 'en' ? enUS : zhCN}
      theme={{ token: { colorPrimary: '#0b57d0', colorTextSecondary: '#4a4f57', colorTextTertiary: '#5c6168' } }}
    >
      <AntdApp>{children}</AntdApp>
    </ConfigProvider>
  );
}
