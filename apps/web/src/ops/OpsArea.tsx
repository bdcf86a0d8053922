/**
 * The operations area's frame: antd in a dark theme made for a wall screen (every text colour
 * checked for AA contrast on its background), open to operations viewers and platform
 * administrators.
 */
import { ConfigProvider, theme } from 'antd';
import { Suspense } from 'react';
import { Outlet } from 'react-router';
import { StaffGate } from '../admin/StaffGate.tsx';
import { AntdProvider } from '../shared/ui/AntdProvider.tsx';
import { OpsLoading } from './parts.tsx';
import './ops.css';

/** Colours of the dark screen (AA on `colorBgContainer` and `colorBgLayout`). */
const DARK = {
  algorithm: theme.darkAlgorithm,
  token: {
    colorPrimary: '#8ab4ff',
    colorLink: '#a8c7ff',
    colorBgLayout: '#0b1220',
    colorBgContainer: '#131d33',
    colorBgElevated: '#1a2642',
    colorText: '#eef2f8',
    colorTextSecondary: '#c5cfdf',
    colorTextTertiary: '#b4bfd1',
    colorTextDescription: '#b4bfd1',
    colorTextHeading: '#ffffff',
    colorBorder: '#34425f',
    colorBorderSecondary: '#26324b',
  },
};

/** Every operations screen. */
export function OpsArea() {
  return (
    <AntdProvider>
      <ConfigProvider theme={DARK}>
        <div className="ops">
          <Suspense fallback={<OpsLoading />}>
            <StaffGate roles={['operations_viewer', 'platform_admin']}>
              {(profile) => <Outlet context={profile} />}
            </StaffGate>
          </Suspense>
        </div>
      </ConfigProvider>
    </AntdProvider>
  );
}
