/**
 * The server's first render of the citizen app's public pages — home, search and a service's
 * detail — so that a phone shows the page as soon as its HTML arrives, before the app's
 * JavaScript has loaded and run; the app then takes the markup over (main.ts, boot.tsx).
 *
 * The page is drawn with the app's own routes, screens, texts and API client; the API client's
 * calls go to the server in process ({@link RenderRequest.fetch}), never with the visitor's
 * cookies: only what anyone may read is drawn, and the same page can be cached for everyone in
 * the same settings. Drawing repeats until no screen asks for data it has not tried (a screen
 * may ask for more once it has its first answer); what failed is left for the browser to ask
 * again, as if the server had not asked, and only answers are handed over.
 *
 * The app's settings and i18next are one per process, so pages are drawn one at a time.
 */
import { dehydrate, type QueryClient } from '@tanstack/react-query';
import { type ReactNode, StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { prerender } from 'react-dom/static';
import { createStaticHandler, createStaticRouter, matchPath, StaticRouterProvider } from 'react-router';
import { AppProviders, appRoutes, createQueryClient } from './App.tsx';
import type { FirstRender } from './first-render.ts';
import { setTransport } from './shared/api/client.ts';
import { initI18n, switchLanguage } from './shared/i18n/index.ts';
import { type Language, setSettingsForRender } from './shared/settings.ts';

export type { FirstRender } from './first-render.ts';
export { FIRST_RENDER_ID } from './first-render.ts';

/** The module that starts the app (its key in the build's manifest): its CSS is the shell's. */
export const BOOT_MODULE = 'src/boot.tsx';

/** The pages drawn on the server, with the module of the screen each shows (its key in the build's manifest). */
export const FIRST_RENDERED = [
  { path: '/', screen: 'src/citizen/home/HomeScreen.tsx' },
  { path: '/search', screen: 'src/citizen/search/SearchScreen.tsx' },
  { path: '/services/:code', screen: 'src/citizen/service/ServiceScreen.tsx' },
] as const;

/** One page to draw. */
export interface RenderRequest {
  /** The path and query the browser asked for. */
  url: string;
  language: Language;
  elder: boolean;
  /** Answers the API client's calls (paths under /api) inside the server. */
  fetch: (url: string, init: RequestInit) => Promise<Response>;
}

/** A drawn page. */
export interface RenderedPage {
  /** The markup inside `#root`. */
  html: string;
  /** What the app in the browser takes over with. */
  firstRender: FirstRender;
  /** The screen's module, for its CSS and JavaScript in the build's manifest. */
  screen: string;
}

/** How many times a page is drawn at most while its screens keep asking for new data. */
const MAX_PASSES = 4;

let queue: Promise<unknown> = Promise.resolve();
let i18nReady: Promise<void> | null = null;

/** The screen drawn at `url`'s path, or undefined when that page is left to the browser. */
export function firstRenderedScreen(url: string): string | undefined {
  const { pathname } = new URL(url, 'http://onecity.invalid');
  return FIRST_RENDERED.find((page) => matchPath(page.path, pathname))?.screen;
}

/** Draws the page at `request.url`; null when it is not one drawn on the server. */
export function renderPage(request: RenderRequest): Promise<RenderedPage | null> {
  const screen = firstRenderedScreen(request.url);
  if (!screen) return Promise.resolve(null);
  const turn = queue.then(() => draw(request, screen));
  queue = turn.catch(() => undefined);
  return turn;
}

async function draw(request: RenderRequest, screen: string): Promise<RenderedPage | null> {
  i18nReady ??= initI18n(request.language);
  await i18nReady;
  await switchLanguage(request.language);
  setSettingsForRender({ language: request.language, elder: request.elder });
  setTransport(request.fetch);

  const queryClient = createQueryClient();
  // A failed call is the browser's to repeat, not the server's.
  queryClient.setDefaultOptions({ queries: { retry: false } });
  const handler = createStaticHandler(appRoutes);
  const tried = new Set<string>();
  let html = '';
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    const context = await handler.query(new Request(new URL(request.url, 'http://onecity.invalid')));
    // A redirect or a route's own response: the browser's router will handle it.
    if (context instanceof Response) return null;
    const router = createStaticRouter(handler.dataRoutes, context);
    const app = (
      <StrictMode>
        <AppProviders queryClient={queryClient}>
          <StaticRouterProvider router={router} context={context} hydrate={false} />
        </AppProviders>
      </StrictMode>
    );
    // The first drawing waits for the screen's code and texts to load; later ones find them loaded.
    html = pass === 0 ? await settled(app) : renderToString(app);
    if (!(await fetchAskedFor(queryClient, tried))) break;
  }
  // A part still waiting (code or texts that did not load) would be drawn by the browser alone:
  // leave the whole page to it rather than hand over a page that changes as it takes over.
  if (html.includes('<!--$?-->') || html.includes('<!--$!-->')) return null;
  return {
    html,
    screen,
    firstRender: { language: request.language, elder: request.elder, queries: dehydrate(queryClient) },
  };
}

/** Fetches the data the last drawing asked for and had not been tried; says whether there was any. */
async function fetchAskedFor(queryClient: QueryClient, tried: Set<string>): Promise<boolean> {
  const cache = queryClient.getQueryCache();
  const asked = cache.getAll().filter((query) => query.state.status === 'pending' && !tried.has(query.queryHash));
  if (asked.length === 0) return false;
  await Promise.all(
    asked.map(async (query) => {
      tried.add(query.queryHash);
      try {
        await query.fetch();
      } catch {
        // Left for the browser (below).
      }
    }),
  );
  for (const query of cache.getAll()) if (query.state.status === 'error') cache.remove(query);
  return true;
}

/** The element's markup once every screen, text and lazy part in it has loaded. */
async function settled(element: ReactNode): Promise<string> {
  await new Response((await prerender(element)).prelude).arrayBuffer();
  return renderToString(element);
}
