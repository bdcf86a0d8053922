/** Switches between Chinese and English in the antd areas (workbench, operations, administration). */
import { Button, type ButtonProps } from 'antd';
import { languageName, useLanguageToggle } from '../i18n/index.ts';

/** The switch: a button naming the language it switches to, in that language. */
export function AntdLanguageSwitch({ className, type }: { className?: string; type?: ButtonProps['type'] }) {
  const { next, busy, toggle } = useLanguageToggle();
  return (
    <Button className={className} type={type} disabled={busy} onClick={toggle}>
      <span lang={next}>{languageName(next)}</span>
    </Button>
  );
}
