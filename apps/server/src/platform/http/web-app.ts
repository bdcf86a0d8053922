/**
 * The web app's build (apps/web/dist) at `/`. Files are served as built — hashed assets cached
 * for a year, brotli or gzip precompressed by the build when the browser takes it, the page and
 * the service worker (/sw.js) always revalidated — and any
 * other page a browser asks for (`Accept: text/html`, no file extension) gets index.html, so the
 * app's own router shows it (SPA fallback). It answers only what no route took, and never under
 * the server's own paths; there, and for API clients that do not ask for HTML, an unknown path stays a 404.
 */
import type { Stats } from 'node:fs';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type DrawnPage, viewOf } from './first-render.ts';

/** Where `npm run build:web` (or the start script) puts the web app. */
export const WEB_DIST = resolve(import.meta.dirname, '../../../../web/dist');

/** Paths that belong to the server: the web app never answers under them. */
export const SERVER_PATHS = [
  '/api',
  '/docs',
  '/openapi.json',
  '/healthz',
  '/readyz',
  '/metrics',
  '/verify',
  '/dev-pay',
  '/oidc',
] as const;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
/**
 * Files a browser must check on every use: the page, and the service worker, which names the
 * build's files — a cached copy would keep an old build running after a deploy.
 */
const ALWAYS_CHECKED = new Set(['/index.html', '/sw.js']);

function isServerPath(path: string): boolean {
  return SERVER_PATHS.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}.`));
}

/** The request's path, decoded; null when it cannot name a file (bad escapes, dot segments, NUL). */
function pathOf(url: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(url.split('?')[0] ?? '/');
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  // Dot segments and dotfiles (the build's manifest and stamp) are never served.
  if (path.split('/').some((segment) => segment.startsWith('.'))) return null;
  return path;
}

async function statFile(file: string): Promise<{ file: string; stats: Stats } | null> {
  try {
    const stats = await stat(file);
    return stats.isFile() ? { file, stats } : null;
  } catch {
    return null;
  }
}

async function fileAt(root: string, path: string): Promise<{ file: string; stats: Stats } | null> {
  const file = resolve(root, `.${path}`);
  return file.startsWith(`${root}${sep}`) ? statFile(file) : null;
}

function acceptsHtml(request: FastifyRequest): boolean {
  return /\btext\/html\b/.test(String(request.headers.accept ?? ''));
}

async function send(
  request: FastifyRequest,
  reply: FastifyReply,
  found: { file: string; stats: Stats },
  cache: string,
) {
  const { file, stats } = found;
  const etag = `W/"${stats.size.toString(36)}-${Math.trunc(stats.mtimeMs).toString(36)}"`;
  reply
    .header('content-type', TYPES[extname(file)] ?? 'application/octet-stream')
    .header('cache-control', cache)
    .header('etag', etag)
    .header('vary', 'Accept-Encoding');
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  const accepted = String(request.headers['accept-encoding'] ?? '');
  for (const [encoding, suffix] of [
    ['br', '.br'],
    ['gzip', '.gz'],
  ] as const) {
    if (!new RegExp(`\\b${encoding}\\b`).test(accepted)) continue;
    const compressed = await statFile(`${file}${suffix}`);
    if (compressed) {
      reply.header('content-encoding', encoding).header('content-length', compressed.stats.size);
      return reply.send(createReadStream(compressed.file));
    }
  }
  reply.header('content-length', stats.size);
  return reply.send(createReadStream(file));
}

/** Sends a page drawn on the server: never cached by the browser, and it depends on the view cookie. */
function sendDrawn(request: FastifyRequest, reply: FastifyReply, page: DrawnPage) {
  reply
    .header('content-type', TYPES['.html'])
    .header('cache-control', 'no-cache')
    .header('vary', 'Accept-Encoding, Cookie')
    // The service worker keeps only the bare page as the offline start.
    .header('x-onecity-drawn', '1');
  const accepted = String(request.headers['accept-encoding'] ?? '');
  let body = page.body;
  if (/\bbr\b/.test(accepted)) {
    reply.header('content-encoding', 'br');
    body = page.br;
  } else if (/\bgzip\b/.test(accepted)) {
    reply.header('content-encoding', 'gzip');
    body = page.gzip;
  }
  return reply.header('content-length', body.length).send(body);
}

/** Draws the public pages on the server (see first-render.ts). */
export interface FirstRender {
  draw(url: string, view: ReturnType<typeof viewOf>): Promise<DrawnPage | null>;
}

/**
 * The web app's answer to a request no route took, or null to leave it a 404: a file of the
 * build, or the page for a page a browser opens — drawn on the server for the public pages
 * when `firstRender` is given and can, else index.html for the app to draw. Used as the root
 * not-found handler's first try, so that a prefix with its own not-found handler (Open311's
 * error format) keeps it. Without a build at `root` (default {@link WEB_DIST}) it answers
 * nothing: the server is API-only.
 */
export function webAppServer(options: { root?: string; firstRender?: FirstRender } = {}) {
  const root = resolve(options.root ?? WEB_DIST);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | null> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return null;
    const path = pathOf(request.url);
    if (path === null || isServerPath(path)) return null;
    const asset = path === '/' ? null : await fileAt(root, path);
    if (asset) {
      const cache = path.startsWith('/assets/')
        ? IMMUTABLE
        : ALWAYS_CHECKED.has(path)
          ? 'no-cache'
          : 'public, max-age=3600';
      return send(request, reply, asset, cache);
    }
    if (extname(path) || !acceptsHtml(request)) return null;
    const index = await fileAt(root, '/index.html');
    if (index && request.method === 'GET' && options.firstRender) {
      const page = await options.firstRender.draw(request.url, viewOf(request.headers.cookie));
      if (page) return sendDrawn(request, reply, page);
    }
    return index ? send(request, reply, index, 'no-cache') : null;
  };
}
