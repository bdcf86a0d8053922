/**
 * What the server's first render of a page hands to the app in the browser: the settings it
 * drew the page in and the data it drew it from (TanStack Query's dehydrated state). It travels
 * as JSON in `<script type="application/json" id="onecity-first-render">` — data, not code, so
 * the content security policy (`script-src 'self'`) needs no exception.
 */
import type { DehydratedState } from '@tanstack/react-query';
import type { Language } from './shared/settings.ts';

/** The element's id. */
export const FIRST_RENDER_ID = 'onecity-first-render';

/** The JSON it holds. */
export interface FirstRender {
  language: Language;
  elder: boolean;
  queries: DehydratedState;
}
