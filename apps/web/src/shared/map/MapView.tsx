/** MapLibre GL behind {@link CityMap}; see there. Default export: loaded lazily. */
import { useQuery } from '@tanstack/react-query';
import type { FeatureCollection, Geometry } from 'geojson';
import {
  type GeoJSONSource,
  Map as MapLibreMap,
  Marker,
  NavigationControl,
  type StyleSpecification,
  setWorkerUrl,
} from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// MapLibre finds its worker next to its own module, a file the bundler does not emit: hand it the built one.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ZoneLevel } from '#contracts';
import { useCity } from '../api/catalog.ts';
import { api } from '../api/client.ts';
import { API_BASE, CITY } from '../config.ts';
import type { CityMapProps } from './CityMap.tsx';
import './map.css';

setWorkerUrl(workerUrl);

const BACKGROUND = '#eef2f5';
const TONES = { default: '#0b57d0', urgent: '#b3261e', done: '#1b6e3a' } as const;
type Bounds = [[number, number], [number, number]];

function useZones(city: string, level: ZoneLevel) {
  return useQuery({
    queryKey: ['zones.geojson', city, level],
    queryFn: ({ signal }) =>
      api.get<FeatureCollection<Geometry, { code: string }>>(
        `${API_BASE}/cities/${encodeURIComponent(city)}/zones.geojson`,
        { signal, query: { level } },
      ),
    staleTime: 60 * 60 * 1000,
  });
}

/** The box around every zone (features carry their own `bbox`). */
function boundsOf(zones: FeatureCollection | undefined): Bounds | null {
  let box: [number, number, number, number] | null = null;
  for (const f of zones?.features ?? []) {
    const b = f.bbox;
    if (!b) continue;
    box = box
      ? [Math.min(box[0], b[0]), Math.min(box[1], b[1]), Math.max(box[2], b[2]), Math.max(box[3], b[3])]
      : [b[0], b[1], b[2], b[3]];
  }
  return box
    ? [
        [box[0], box[1]],
        [box[2], box[3]],
      ]
    : null;
}

function pinElement(): HTMLElement {
  const element = document.createElement('div');
  element.className = 'city-map__pin';
  // Named (below) for screen readers: an element with a name needs a role.
  element.setAttribute('role', 'img');
  element.innerHTML =
    '<svg viewBox="0 0 30 40" width="30" height="40" aria-hidden="true"><path d="M15 1C7.3 1 1 7.2 1 14.9 1 25.3 15 39 15 39s14-13.7 14-24.1C29 7.2 22.7 1 15 1z" fill="#b3261e" stroke="#fff" stroke-width="2"/><circle cx="15" cy="15" r="5" fill="#fff"/></svg>';
  return element;
}

/** The map itself. */
export default function MapView(props: CityMapProps) {
  const {
    label,
    city = CITY,
    level = 'street',
    points,
    onPointClick,
    pin,
    onPinChange,
    heat,
    height,
    className,
  } = props;
  const { t } = useTranslation();
  const cityInfo = useCity();
  const zones = useZones(city, level);
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const markerRef = useRef<Marker | null>(null);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);
  // Callbacks change identity on every render; the map's listeners read the latest ones.
  const callbacks = useRef({ onPointClick, onPinChange });
  callbacks.current = { onPointClick, onPinChange };
  // What the effects below read at the time they run, without re-running on each change.
  const latest = useRef({ pin, points, locale: {} as Record<string, string> });

  const tiles = cityInfo.data?.map.tiles ?? null;
  const attribution = cityInfo.data?.map.attribution ?? null;
  const configLoaded = !cityInfo.isPending;
  const locale = useMemo(
    () => ({
      'Map.Title': label,
      'Marker.Title': t('map.pin'),
      'NavigationControl.ZoomIn': t('map.zoomIn'),
      'NavigationControl.ZoomOut': t('map.zoomOut'),
      'NavigationControl.ResetBearing': t('map.resetBearing'),
      'AttributionControl.ToggleAttribution': t('map.attribution'),
      'Popup.Close': t('map.close'),
    }),
    [label, t],
  );
  latest.current = { pin, points, locale };

  // The map, made once the tile configuration is known.
  useEffect(() => {
    if (!configLoaded || !container.current) return;
    const style: StyleSpecification = {
      version: 8,
      sources: {
        zones: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
        points: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
        ...(tiles
          ? { base: { type: 'raster', tiles: [tiles], tileSize: 256, ...(attribution ? { attribution } : {}) } }
          : {}),
      },
      layers: [
        { id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } },
        ...(tiles ? [{ id: 'base', type: 'raster' as const, source: 'base' }] : []),
        {
          id: 'zone-fill',
          type: 'fill',
          source: 'zones',
          paint: {
            'fill-color': [
              'case',
              ['has', 'heat'],
              [
                'interpolate',
                ['linear'],
                ['get', 'heat'],
                0,
                '#e8eef5',
                0.33,
                '#f6c28b',
                0.66,
                '#d9480f',
                1,
                '#9b1c1c',
              ],
              tiles ? 'rgba(0,0,0,0)' : '#f8fafc',
            ],
            'fill-opacity': tiles ? 0.55 : 0.9,
          },
        },
        { id: 'zone-line', type: 'line', source: 'zones', paint: { 'line-color': '#8795a3', 'line-width': 1 } },
        {
          id: 'points',
          type: 'circle',
          source: 'points',
          paint: {
            'circle-radius': 7,
            'circle-color': ['match', ['get', 'tone'], 'urgent', TONES.urgent, 'done', TONES.done, TONES.default],
            'circle-stroke-color': '#ffffff',
            'circle-stroke-width': 2,
          },
        },
      ],
    };
    let map: MapLibreMap;
    try {
      map = new MapLibreMap({
        container: container.current,
        style,
        center: [113.3, 23.1],
        zoom: 10,
        attributionControl: tiles && attribution ? { compact: true } : false,
        locale: latest.current.locale,
        dragRotate: false,
        pitchWithRotate: false,
        fadeDuration: 0,
      });
    } catch {
      setFailed(true);
      return;
    }
    mapRef.current = map;
    map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    map.on('error', () => {});
    map.on('load', () => setReady(true));
    map.on('click', (event) => {
      const hit = map.queryRenderedFeatures(event.point, { layers: ['points'] })[0];
      const id = hit?.properties?.id;
      if (typeof id === 'string' && callbacks.current.onPointClick) callbacks.current.onPointClick(id);
      else callbacks.current.onPinChange?.({ lng: event.lngLat.lng, lat: event.lngLat.lat });
    });
    map.on('mouseenter', 'points', () => {
      map.getCanvas().style.cursor = 'pointer';
    });
    map.on('mouseleave', 'points', () => {
      map.getCanvas().style.cursor = '';
    });
    return () => {
      setReady(false);
      markerRef.current = null;
      mapRef.current = null;
      map.remove();
    };
    // The map is rebuilt only when what its style is made of changes; texts update below.
  }, [configLoaded, tiles, attribution]);

  // The canvas's accessible name follows the label and the language.
  useEffect(() => {
    mapRef.current?.getCanvas().setAttribute('aria-label', label);
    mapRef.current?.getCanvasContainer().setAttribute('aria-label', label);
  }, [label]);

  // Zones, shaded by `heat` relative to its largest value.
  const max = useMemo(() => Math.max(0, ...Object.values(heat ?? {})), [heat]);
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !zones.data) return;
    const data: FeatureCollection = {
      ...zones.data,
      features: zones.data.features.map((f) => ({
        ...f,
        properties: {
          ...f.properties,
          ...(heat ? { heat: max > 0 ? (heat[f.properties.code] ?? 0) / max : 0 } : {}),
        },
      })),
    };
    (map.getSource('zones') as GeoJSONSource).setData(data);
  }, [ready, zones.data, heat, max]);

  // The view: the pin, else the points, else the whole city.
  const cityBounds = useMemo(() => boundsOf(zones.data), [zones.data]);
  const hasPin = Boolean(pin);
  const pointCount = points?.length ?? 0;
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    // Re-framed when there is first something to frame (a pin, points), not on every pin move.
    const framing = { hasPin, pointCount };
    const { pin: at, points: shown } = latest.current;
    if (framing.hasPin && at) {
      map.jumpTo({ center: [at.lng, at.lat], zoom: Math.max(map.getZoom(), 15) });
    } else if (framing.pointCount > 0 && shown) {
      const lngs = shown.map((p) => p.lng);
      const lats = shown.map((p) => p.lat);
      const box: Bounds = [
        [Math.min(...lngs), Math.min(...lats)],
        [Math.max(...lngs), Math.max(...lats)],
      ];
      map.fitBounds(box, { padding: 40, maxZoom: 15, duration: 0 });
    } else if (cityBounds) {
      map.fitBounds(cityBounds, { padding: 16, duration: 0 });
    }
  }, [ready, hasPin, pointCount, cityBounds]);

  // Points.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    (map.getSource('points') as GeoJSONSource).setData({
      type: 'FeatureCollection',
      features: (points ?? []).map((p) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [p.lng, p.lat] },
        properties: { id: p.id, tone: p.tone ?? 'default' },
      })),
    });
  }, [ready, points]);

  // The pin.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    if (!pin) {
      markerRef.current?.remove();
      markerRef.current = null;
      return;
    }
    let marker = markerRef.current;
    if (!marker) {
      marker = new Marker({ element: pinElement(), anchor: 'bottom', draggable: Boolean(onPinChange) });
      marker.on('dragend', () => {
        const at = marker?.getLngLat();
        if (at) callbacks.current.onPinChange?.({ lng: at.lng, lat: at.lat });
      });
      marker.setLngLat([pin.lng, pin.lat]).addTo(map);
      markerRef.current = marker;
    } else {
      marker.setLngLat([pin.lng, pin.lat]);
    }
    marker.getElement().setAttribute('aria-label', t('map.pin'));
  }, [ready, pin, onPinChange, t]);

  return (
    <div className={`city-map ${className ?? ''}`} style={{ height }}>
      {failed ? (
        <p className="city-map__unavailable" role="note">
          {t('map.unavailable')}
        </p>
      ) : (
        <div ref={container} className="city-map__canvas" />
      )}
      {heat && !failed ? (
        <div className="city-map__legend" aria-hidden="true">
          <span>{t('map.fewer')}</span>
          <span className="city-map__ramp" />
          <span>{t('map.more')}</span>
        </div>
      ) : null}
    </div>
  );
}
