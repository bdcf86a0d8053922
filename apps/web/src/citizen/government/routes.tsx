/**
 * The citizen app's digital-government screens (applying, my applications, the certificate
 * wallet), mounted inside the citizen layout, and their entries on the "me" screen.
 */
import { FolderOutline, RightOutline, UnorderedListOutline } from 'antd-mobile-icons';
import { lazy } from 'react';
import { useTranslation } from 'react-i18next';
import type { RouteObject } from 'react-router';
import { Link } from 'react-router';
import { RequireSignIn } from '../RequireSignIn.tsx';

const ApplyScreen = lazy(() => import('../apply/ApplyScreen.tsx').then((m) => ({ default: m.ApplyScreen })));
const ApplicationFormScreen = lazy(() =>
  import('../apply/ApplicationFormScreen.tsx').then((m) => ({ default: m.ApplicationFormScreen })),
);
const BundleApplyScreen = lazy(() =>
  import('../apply/BundleApplyScreen.tsx').then((m) => ({ default: m.BundleApplyScreen })),
);
const ApplicationsScreen = lazy(() =>
  import('./ApplicationsScreen.tsx').then((m) => ({ default: m.ApplicationsScreen })),
);
const ApplicationScreen = lazy(() => import('./ApplicationScreen.tsx').then((m) => ({ default: m.ApplicationScreen })));
const WalletScreen = lazy(() => import('./WalletScreen.tsx').then((m) => ({ default: m.WalletScreen })));
const CertificateScreen = lazy(() => import('./CertificateScreen.tsx').then((m) => ({ default: m.CertificateScreen })));

const signedIn = (path: string, element: React.ReactNode): RouteObject => ({
  path,
  element: <RequireSignIn>{element}</RequireSignIn>,
});

/** Routes of the government screens (children of the citizen layout). */
export const governmentRoutes: RouteObject[] = [
  signedIn('services/:code/apply', <ApplyScreen />),
  signedIn('bundles/:code/apply', <BundleApplyScreen />),
  signedIn('me/applications', <ApplicationsScreen />),
  signedIn('me/applications/:id', <ApplicationScreen />),
  signedIn('me/applications/:id/edit', <ApplicationFormScreen />),
  signedIn('me/credentials', <WalletScreen />),
  signedIn('me/credentials/:id', <CertificateScreen />),
];

/** The government entries of the signed-in citizen's "me" screen. */
export function GovernmentMeLinks() {
  const { t } = useTranslation('government');
  const links = [
    { to: '/me/applications', label: t('me.applications'), Icon: UnorderedListOutline },
    { to: '/me/credentials', label: t('me.wallet'), Icon: FolderOutline },
  ];
  return (
    <nav aria-label={t('me.label')}>
      <ul className="link-list card">
        {links.map(({ to, label, Icon }) => (
          <li key={to}>
            <Link to={to} className="link-list__item">
              <Icon aria-hidden="true" />
              <span>{label}</span>
              <RightOutline aria-hidden="true" className="link-list__chevron" />
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
