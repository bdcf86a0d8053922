/**
 * Vite build of the web app. The server serves `dist/` at `/` under a strict CSP
 * (`script-src 'self'`), so the build emits no inline script; every asset is hashed and
 * precompressed (brotli and gzip) so the server can send it as is.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv, type Plugin } from 'vite';
import { serviceWorker } from './scripts/service-worker.ts';

const root = import.meta.dirname;
const outDir = join(root, 'dist');

const COMPRESSIBLE = /\.(js|css|html|svg|json|webmanifest)$/;

/** Writes `.br` and `.gz` beside every compressible asset larger than 1 KB. */
function precompress(): Plugin {
  const br = promisify(brotliCompress);
  const gz = promisify(gzip);
  return {
    name: 'onecity-precompress',
    apply: 'build',
    async closeBundle() {
      const files = await readdir(outDir, { recursive: true });
      for (const name of files) {
        if (!COMPRESSIBLE.test(name)) continue;
        const path = join(outDir, name);
        const body = await readFile(path);
        if (body.length < 1024) continue;
        await writeFile(`${path}.br`, await br(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        await writeFile(`${path}.gz`, await gz(body, { level: 9 }));
      }
    },
  };
}

/** Where the server's first-render bundle goes (never served: it runs inside the server). */
const ssrOutDir = join(root, 'dist-ssr');

export default defineConfig(({ mode, isSsrBuild }) => {
  // `npm run dev:web` proxies the API to a server started with `npm start` (ONECITY_PORT, default 3000).
  const env = loadEnv(mode, join(root, '..', '..'), 'ONECITY_');
  const api = `http://localhost:${env.ONECITY_PORT || '3000'}`;
  const proxied = ['/api', '/docs', '/openapi.json', '/verify', '/dev-pay', '/oidc', '/healthz', '/readyz'];
  if (isSsrBuild) {
    // `vite build --ssr src/entry-server.tsx`: one self-contained module for Node; styles and
    // assets come from the browser build.
    return {
      root,
      base: '/',
      publicDir: false,
      plugins: [react()],
      ssr: { noExternal: true },
      build: {
        outDir: ssrOutDir,
        emptyOutDir: true,
        target: 'node24',
        sourcemap: false,
        copyPublicDir: false,
        chunkSizeWarningLimit: 5000,
      },
    };
  }
  return {
    root,
    base: '/',
    publicDir: join(root, 'public'),
    plugins: [react(), serviceWorker(), precompress()],
    build: {
      outDir,
      emptyOutDir: true,
      manifest: true,
      target: 'es2022',
      sourcemap: false,
      // Vite's modulepreload polyfill is code in the entry chunk, not an inline script; modern
      // browsers need none, so it is left out altogether. The entry (main.ts) loads the app
      // after a page drawn on the server has loaded: there the browser fetches the app's
      // modules as it finds them, rather than the entry adding a preload link for each of
      // them to a page already drawn (every such link costs the page a style pass).
      modulePreload: {
        polyfill: false,
        resolveDependencies: (_file, deps, { hostId }) =>
          /^assets\/index-[^/]+\.js$/.test(hostId) ? deps.filter((dep) => dep.endsWith('.css')) : deps,
      },
      chunkSizeWarningLimit: 800,
    },
    server: {
      port: 5173,
      proxy: Object.fromEntries(proxied.map((path) => [path, { target: api, changeOrigin: false }])),
    },
  };
});
