/**
 * The citizen app's service worker: the app starts without a network after one visit.
 *
 * The build (apps/web/scripts/service-worker.ts) puts this file at /sw.js with one line in
 * front of it, `self.ONECITY_BUILD = { version, precache }`: the build's identity and the files
 * a first screen needs (the page, its entry script and styles, the home screen's chunks).
 *
 * - Pages: network first, so a deploy shows at once; without a network, the stored page.
 * - Hashed files under /assets/: from the cache when there (they never change), otherwise from
 *   the network and kept, so screens opened once open offline too.
 * - Other files of the app (icons, manifest): network first, the stored copy offline.
 * - The API and every other path of the server: never touched, never stored — personal data
 *   stays out of the cache, and an answer is always current or an error.
 */
const { version, precache } = self.ONECITY_BUILD;
const CACHE = `onecity-${version}`;
/** The page every path of the app starts from (asked for by name: `/` answers only browsers asking for HTML). */
const SHELL = '/index.html';
const SERVER_PATHS = [
  '/api',
  '/docs',
  '/openapi.json',
  '/healthz',
  '/readyz',
  '/metrics',
  '/verify',
  '/dev-pay',
  '/oidc',
];

function isServerPath(path) {
  return SERVER_PATHS.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}.`));
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll([SHELL, ...precache].map((url) => new Request(url, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('onecity-') && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function keep(request, response) {
  if (response.ok && response.type === 'basic') {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

async function page(request) {
  try {
    const response = await fetch(request);
    // The bare page is the same document for every path: keep the newest as the offline start
    // (a page the server drew is one path's, with its data: not a start for the others).
    if (response.ok && (response.headers.get('content-type') ?? '').startsWith('text/html')) {
      if (!response.headers.has('x-onecity-drawn')) await keep(SHELL, response);
    }
    return response;
  } catch (error) {
    const stored = await caches.match(SHELL, { cacheName: CACHE });
    if (stored) return stored;
    throw error;
  }
}

async function hashed(request) {
  const stored = await caches.match(request, { cacheName: CACHE });
  return stored ?? keep(request, await fetch(request));
}

async function networkFirst(request) {
  try {
    return await keep(request, await fetch(request));
  } catch (error) {
    const stored = await caches.match(request, { cacheName: CACHE });
    if (stored) return stored;
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isServerPath(url.pathname) || url.pathname === '/sw.js') return;
  if (request.mode === 'navigate') event.respondWith(page(request));
  else if (url.pathname.startsWith('/assets/')) event.respondWith(hashed(request));
  else event.respondWith(networkFirst(request));
});
