/**
 * Where the problem is: "use my location" (after the citizen has read and agreed to the
 * location notice, which is recorded as their consent), then a pin on the city map that a tap
 * or a drag corrects. Without the device's location the pin is placed on the map by hand.
 */
import { Button } from 'antd-mobile';
import { EnvironmentOutline } from 'antd-mobile-icons';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { consentState, useConsents, useGrantConsent, usePrivacyNotices } from '../../shared/api/privacy.ts';
import { CITY } from '../../shared/config.ts';
import { pick } from '../../shared/format.ts';
import { CityMap } from '../../shared/map/CityMap.tsx';
import { useSettings } from '../../shared/settings.ts';
import { useErrorMessage } from '../../shared/ui/states.tsx';

/** A point on the map (WGS 84). */
export interface Point {
  lng: number;
  lat: number;
}

type Locating = 'idle' | 'asking' | 'locating' | 'denied' | 'unavailable' | 'located';

/** The place picker of the report form. */
export function LocationPicker({
  value,
  onChange,
  describedBy,
  invalid,
}: {
  value: Point | null;
  onChange: (point: Point) => void;
  describedBy?: string;
  invalid?: boolean;
}) {
  const { t } = useTranslation('governance');
  const { language } = useSettings();
  const notices = usePrivacyNotices();
  const consents = useConsents();
  const grant = useGrantConsent();
  const errorMessage = useErrorMessage();
  const [locating, setLocating] = useState<Locating>('idle');
  // The map frames the pin when it first appears; a fresh fix from the device frames it again.
  const [fixes, setFixes] = useState(0);
  const askHeading = useRef<HTMLHeadingElement>(null);
  const ids = { ask: useId(), status: useId() };
  const notice = notices.data?.find((n) => n.kind === 'location');
  const consent = consentState(consents.data ?? [], 'location', notice);

  useEffect(() => {
    if (locating === 'asking') askHeading.current?.focus();
  }, [locating]);

  const locate = () => {
    if (!('geolocation' in navigator)) {
      setLocating('unavailable');
      return;
    }
    setLocating('locating');
    navigator.geolocation.getCurrentPosition(
      (position) => {
        onChange({ lng: position.coords.longitude, lat: position.coords.latitude });
        setLocating('located');
        setFixes((n) => n + 1);
      },
      (error) => setLocating(error.code === error.PERMISSION_DENIED ? 'denied' : 'unavailable'),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };

  const onUseMyLocation = () => {
    if (consent.state === 'granted') locate();
    else setLocating('asking');
  };

  const agree = () => {
    if (!notice) return;
    grant.mutate({ kind: 'location', version: notice.version }, { onSuccess: locate });
  };

  const status =
    locating === 'locating'
      ? t('report.location.locating')
      : locating === 'denied'
        ? t('report.location.denied')
        : locating === 'unavailable'
          ? t('report.location.unavailable')
          : value
            ? t('report.location.picked', {
                lat: value.lat.toFixed(5),
                lon: value.lng.toFixed(5),
              })
            : t('report.location.none');

  return (
    <div className="gov-location">
      <div className="gov-location__bar">
        <Button
          color="primary"
          fill="outline"
          onClick={onUseMyLocation}
          loading={locating === 'locating' || grant.isPending}
          disabled={consents.isPending || notices.isPending}
          aria-describedby={describedBy}
        >
          <EnvironmentOutline className="button-icon" aria-hidden="true" />
          {t('report.location.useMine')}
        </Button>
      </div>
      {locating === 'asking' && notice ? (
        <section className="gov-consent" aria-labelledby={ids.ask}>
          <h3 id={ids.ask} className="gov-consent__title" tabIndex={-1} ref={askHeading}>
            {pick(language, notice.titleZh, notice.titleEn)}
          </h3>
          <p className="gov-consent__body">{pick(language, notice.bodyZh, notice.bodyEn)}</p>
          <p className="hint">
            {consent.state === 'outdated' ? t('report.location.askUpdated') : t('report.location.askWhy')}
          </p>
          {grant.isError ? (
            <p className="form-error" role="alert">
              {errorMessage(grant.error)}
            </p>
          ) : null}
          <div className="gov-consent__actions">
            <Button color="primary" onClick={agree} loading={grant.isPending}>
              {t('report.location.agree')}
            </Button>
            <Button fill="none" onClick={() => setLocating('idle')}>
              {t('report.location.notNow')}
            </Button>
          </div>
        </section>
      ) : null}
      <p
        id={ids.status}
        className={`gov-location__status${invalid ? ' gov-location__status--invalid' : ''}`}
        role="status"
        aria-live="polite"
      >
        {status}
      </p>
      <CityMap
        key={fixes}
        city={CITY}
        label={t('report.location.mapLabel')}
        pin={value}
        onPinChange={onChange}
        height="16rem"
        className="gov-location__map"
      />
      <p className="hint">{t('report.location.mapHint')}</p>
    </div>
  );
}
