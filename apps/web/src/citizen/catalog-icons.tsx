/** Icons for life events (人生事件), so that the home grid can be read at a glance. */
import { GENERIC_ICON, LIFE_EVENT_ICONS, LIFE_EVENT_SPRITE } from './life-event-icons.ts';

/** The icon of a life event, from the sprite (a generic one for codes the app does not know). */
export function LifeEventIcon({ code }: { code: string }) {
  const symbol = LIFE_EVENT_ICONS[code] ?? GENERIC_ICON;
  return (
    <svg className="tile__svg" viewBox="0 0 48 48" aria-hidden="true" focusable="false">
      <use href={`${LIFE_EVENT_SPRITE}#${symbol}`} />
    </svg>
  );
}

/** Tile colours, cycled through the grid: each passes 4.5:1 behind white icons. */
export const TILE_COLOURS = ['#0a4fbf', '#0f7a4a', '#b4430f', '#6b3fb5', '#0b6f8a', '#a3286b', '#3c5a12', '#8a4b00'];
