/** Switches between Chinese and English; the other language's name, in that language. */
import { Button } from 'antd';
import { useState } from 'react';
import { changeLanguage } from '../shared/i18n/index.ts';
import { useSettings } from '../shared/settings.ts';

/** The switch (a button naming the language it switches to). */
export function StaffLanguageSwitch({ className }: { className?: string }) {
  const { language } = useSettings();
  const [busy, setBusy] = useState(false);
  const next = language === 'zh-CN' ? 'en' : 'zh-CN';
  return (
    <Button
      className={className}
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        try {
          await changeLanguage(next);
        } finally {
          setBusy(false);
        }
      }}
    >
      <span lang={next}>{next === 'en' ? 'English' : '中文'}</span>
    </Button>
  );
}
