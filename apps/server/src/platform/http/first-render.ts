/**
 * The server's first render of the citizen app's public pages (home, search, a service): the
 * page arrives drawn, in the visitor's language and size (the `onecity_view` cookie the app
 * sets), with the CSS of its screen and the data it was drawn from, so a phone shows it before
 * the app's JavaScript has loaded; the app then takes it over.
 *
 * The drawing itself is the web app's (apps/web/src/entry-server.tsx, built to
 * apps/web/dist-ssr); its API calls are answered in process by `inject`, as an anonymous
 * caller, so a drawn page holds only what anyone may read and is shared by everyone in the same
 * settings for a few seconds. Drawing is a courtesy, never a condition: without the bundle,
 * when it fails, takes too long or too many pages wait to be drawn, the page goes out as the
 * bare shell the app draws itself.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { FastifyBaseLogger } from 'fastify';

/** The languages the web app speaks; the first is its default. */
const LANGUAGES = ['zh-CN', 'en'] as const;
type Language = (typeof LANGUAGES)[number];

/** The settings a page is drawn in. */
export interface View {
  language: Language;
  elder: boolean;
}

/** What apps/web/src/entry-server.tsx exports (the part used here). */
interface EntryServer {
  FIRST_RENDER_ID: string;
  BOOT_MODULE: string;
  firstRenderedScreen(url: string): string | undefined;
  renderPage(request: {
    url: string;
    language: Language;
    elder: boolean;
    fetch: (url: string, init: RequestInit) => Promise<Response>;
  }): Promise<{ html: string; firstRender: unknown; screen: string } | null>;
}

interface ManifestChunk {
  file: string;
  imports?: string[];
  css?: string[];
}

/** A drawn page, ready to send. */
export interface DrawnPage {
  body: Buffer;
  br: Buffer;
  gzip: Buffer;
}

/** Answers an API call inside the server (Fastify's `inject`, as an anonymous caller). */
export type InProcessFetch = (request: {
  method: string;
  url: string;
  headers: Record<string, string>;
}) => Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>;

/** How long a drawn page is reused for visitors in the same settings. */
const REUSE_MS = 10_000;
/** Drawn pages kept at most (the oldest go first). */
const MAX_KEPT = 200;
/** Pages waiting to be drawn at most; beyond it a page goes out bare. */
const MAX_WAITING = 4;
/** How long a page may take to draw before it goes out bare. */
const DRAW_TIMEOUT_MS = 3_000;

const COOKIE = /(?:^|;\s*)onecity_view=([A-Za-z-]+)\.([01])(?:;|$)/;

/** The settings in the request's `onecity_view` cookie (the web app's format), or the defaults. */
export function viewOf(cookieHeader: string | undefined): View {
  const match = COOKIE.exec(cookieHeader ?? '');
  const language = LANGUAGES.find((l) => l === match?.[1]) ?? LANGUAGES[0];
  return { language, elder: language === match?.[1] && match?.[2] === '1' };
}

/** JSON that is safe inside `<script type="application/json">`: no `<` can end the element early. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const escapeAttribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * The first renderer for the build at `root` (apps/web/dist, with its server bundle in
 * `../dist-ssr`). `draw(url, view)` resolves with the page, or null when it goes out bare.
 */
export function firstRenderer(options: { root: string; fetch: InProcessFetch; log?: FastifyBaseLogger }) {
  const bundle = resolve(options.root, '..', 'dist-ssr', 'entry-server.js');
  let entry: Promise<EntryServer | null> | null = null;
  let template: Promise<{ index: string; manifest: Record<string, ManifestChunk> }> | null = null;
  const kept = new Map<string, { page: DrawnPage; until: number }>();
  const drawing = new Map<string, Promise<DrawnPage | null>>();
  let waiting = 0;

  const load = () => {
    entry ??= existsSync(bundle)
      ? (import(pathToFileURL(bundle).href) as Promise<EntryServer>).catch((error: unknown) => {
          options.log?.warn({ err: error }, 'the web app server bundle did not load; pages go out bare');
          return null;
        })
      : Promise.resolve(null);
    return entry;
  };

  const loadTemplate = () => {
    template ??= (async () => ({
      index: await readFile(join(options.root, 'index.html'), 'utf8'),
      manifest: JSON.parse(await readFile(join(options.root, '.vite', 'manifest.json'), 'utf8')) as Record<
        string,
        ManifestChunk
      >,
    }))();
    return template;
  };

  /**
   * The stylesheets of `modules` and what they import, which index.html does not already link.
   * Their JavaScript is left out on purpose: the app's code loads after the page (main.ts).
   */
  const stylesOf = (manifest: Record<string, ManifestChunk>, index: string, modules: string[]) => {
    const seen = new Set<string>();
    const css = new Set<string>();
    // What a module imports first, then its own: the app's styles come after the libraries' they override.
    const visit = (key: string) => {
      const chunk = manifest[key];
      if (!chunk || seen.has(key)) return;
      seen.add(key);
      for (const next of chunk.imports ?? []) visit(next);
      for (const file of chunk.css ?? []) css.add(file);
    };
    for (const module of modules) visit(module);
    return [...css].filter((file) => !index.includes(`/${file}"`));
  };

  const inProcess =
    (language: Language) =>
    async (url: string, init: RequestInit): Promise<Response> => {
      // Only the API, only reads, never the visitor's cookies.
      if (!url.startsWith('/api/') || (init.method ?? 'GET') !== 'GET') return new Response(null, { status: 403 });
      const res = await options.fetch({
        method: 'GET',
        url,
        headers: { accept: 'application/json', 'accept-language': language },
      });
      const headers = new Headers();
      const type = res.headers['content-type'];
      if (typeof type === 'string') headers.set('content-type', type);
      return new Response(res.statusCode === 204 ? null : res.body, { status: res.statusCode, headers });
    };

  const drawNow = async (server: EntryServer, url: string, view: View): Promise<DrawnPage | null> => {
    const { index, manifest } = await loadTemplate();
    const page = await server.renderPage({ url, ...view, fetch: inProcess(view.language) });
    if (!page) return null;
    const head = stylesOf(manifest, index, [server.BOOT_MODULE, page.screen])
      .map((file) => `<link rel="stylesheet" crossorigin href="/${escapeAttribute(file)}">`)
      .join('\n    ');
    const html = index
      .replace(/<html lang="[^"]*">/, `<html lang="${view.language}"${view.elder ? ' class="elder"' : ''}>`)
      .replace('</head>', `  ${head}\n  </head>`)
      .replace(
        '<div id="root"></div>',
        `<div id="root">${page.html}</div>\n    <script type="application/json" id="${server.FIRST_RENDER_ID}">${scriptSafeJson(page.firstRender)}</script>`,
      );
    const body = Buffer.from(html, 'utf8');
    const [br, gz] = await Promise.all([
      brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }),
      gzipAsync(body, { level: 6 }),
    ]);
    return { body, br, gzip: gz };
  };

  /** The page drawn, from the pages kept, being drawn, or drawn now; null when it goes out bare. */
  const pageFor = async (url: string, view: View): Promise<DrawnPage | null> => {
    const server = await load();
    if (!server?.firstRenderedScreen(url)) return null;
    const key = `${view.language}.${view.elder ? 1 : 0} ${url}`;
    const hit = kept.get(key);
    if (hit && hit.until > Date.now()) return hit.page;
    let pending = drawing.get(key);
    if (!pending) {
      if (waiting >= MAX_WAITING) return null;
      waiting += 1;
      pending = drawNow(server, url, view)
        .then((page) => {
          if (page) {
            kept.delete(key);
            kept.set(key, { page, until: Date.now() + REUSE_MS });
            if (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value as string);
          }
          return page;
        })
        .catch((error: unknown) => {
          options.log?.warn({ err: error, url }, 'a page could not be drawn on the server; it goes out bare');
          return null;
        })
        .finally(() => {
          waiting -= 1;
          drawing.delete(key);
        });
      drawing.set(key, pending);
    }
    return pending;
  };

  return {
    /**
     * The page at `url` drawn in `view`, or null when it goes out bare — also when loading the
     * bundle and drawing take longer than {@link DRAW_TIMEOUT_MS} (they go on, for the next visitor).
     */
    async draw(url: string, view: View): Promise<DrawnPage | null> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>((done) => {
        timer = setTimeout(() => done(null), DRAW_TIMEOUT_MS);
      });
      try {
        return await Promise.race([pageFor(url, view), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
