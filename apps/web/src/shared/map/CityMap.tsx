/**
 * The city's map: its zones drawn from OneCity's own GeoJSON over a plain background (no
 * internet needed), or over raster tiles when the installation configures a tile server
 * (`ONECITY_MAP_TILES`). It shows points, a pin the user can move, or zones shaded by a value
 * (a heatmap). MapLibre GL is large, so the map is its own chunk, loaded when a screen shows one.
 */
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import type { ZoneLevel } from '#contracts';

/** A point on the map (a report, a work order). */
export interface MapPoint {
  id: string;
  lng: number;
  lat: number;
  /** Shown when the point is hovered or focused in a list; not drawn on the map. */
  label?: string;
  tone?: 'default' | 'urgent' | 'done';
}

/** A position the user picks. */
export interface LngLat {
  lng: number;
  lat: number;
}

/** What a map shows. */
export interface CityMapProps {
  /** The map's accessible name (what it shows, e.g. "where the problem is"). */
  label: string;
  /** The city (default: the app's city). */
  city?: string;
  /** Which zones are drawn and shaded (default `street`). */
  level?: ZoneLevel;
  points?: MapPoint[];
  /** Called with a point's id when it is clicked. */
  onPointClick?: (id: string) => void;
  /** A pin; with `onPinChange` the user moves it by dragging it or by clicking the map. */
  pin?: LngLat | null;
  onPinChange?: (position: LngLat) => void;
  /** Zones shaded by value (zone code → value), with a legend. */
  heat?: Record<string, number>;
  height?: number | string;
  className?: string;
}

const MapView = lazy(() => import('./MapView.tsx'));

/** The city map (loads MapLibre on first use). */
export function CityMap(props: CityMapProps) {
  const height = props.height ?? 280;
  // MapLibre takes its control texts once, when the map is made: a new language makes a new map.
  const { i18n } = useTranslation();
  return (
    <Suspense fallback={<div className="city-map city-map--loading" style={{ height }} aria-hidden="true" />}>
      <MapView key={i18n.language} {...props} height={height} />
    </Suspense>
  );
}
