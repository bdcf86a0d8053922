/** The passkeys screen (signed-in citizens only) and its entry on the "me" screen. */
import { RightOutline, ScanningFaceOutline } from 'antd-mobile-icons';
import { lazy } from 'react';
import { useTranslation } from 'react-i18next';
import type { RouteObject } from 'react-router';
import { Link } from 'react-router';
import { useSession } from '../../shared/api/session.ts';
import { RequireSignIn } from '../RequireSignIn.tsx';

const PasskeysScreen = lazy(() => import('./PasskeysScreen.tsx').then((m) => ({ default: m.PasskeysScreen })));

/** Routes of the passkeys screen (children of the citizen layout). */
export const passkeyRoutes: RouteObject[] = [
  {
    path: 'me/passkeys',
    element: (
      <RequireSignIn>
        <PasskeysScreen />
      </RequireSignIn>
    ),
  },
];

/** The "my passkeys" entry of the signed-in citizen's "me" screen. */
export function PasskeysMeLink() {
  const { t } = useTranslation();
  const session = useSession();
  if (session.data?.principal.kind !== 'citizen') return null;
  return (
    <ul className="link-list card">
      <li>
        <Link to="/me/passkeys" className="link-list__item">
          <ScanningFaceOutline aria-hidden="true" />
          <span>{t('passkeys.title')}</span>
          <RightOutline aria-hidden="true" className="link-list__chevron" />
        </Link>
      </li>
    </ul>
  );
}
