/**
 * Builds the web app when its build is missing or stale, so that `npm start` on a fresh clone
 * serves it, and a start with nothing changed costs only a hash of the sources (a few ms).
 * Staleness is decided by content, not timestamps: a hash of the web sources, the contracts
 * they import and the lock file, stored beside the build.
 *
 *   node apps/web/scripts/build.ts           build if stale, then print the home page's JS size
 *   node apps/web/scripts/build.ts --force   build anyway
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const webRoot = join(import.meta.dirname, '..');
const repoRoot = join(webRoot, '..', '..');
/** Where the build goes; the server serves it at `/`. */
export const distDir = join(webRoot, 'dist');
const stampFile = join(distDir, '.source-hash');

/** Where the server's first-render bundle goes (apps/web/src/entry-server.tsx). */
export const ssrDistDir = join(webRoot, 'dist-ssr');

const SKIP = new Set(['dist', 'dist-ssr', 'node_modules', '.build-lock']);

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (!entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** A hash of everything the build depends on. */
export async function sourceHash(): Promise<string> {
  const files = [
    ...(await filesUnder(webRoot)),
    ...(await filesUnder(join(repoRoot, 'packages', 'contracts', 'src'))),
    join(repoRoot, 'package-lock.json'),
  ].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(repoRoot, file));
    hash.update('\0');
    hash.update(await readFile(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Whether `dist/` was built from the sources as they are now. */
export async function buildIsCurrent(hash?: string): Promise<boolean> {
  if (!existsSync(join(distDir, 'index.html')) || !existsSync(join(ssrDistDir, 'entry-server.js'))) return false;
  if (!existsSync(stampFile)) return false;
  return (await readFile(stampFile, 'utf8')).trim() === (hash ?? (await sourceHash()));
}

/** Held while a build runs: processes that want a build at once (test files, a start) take turns. */
const lockDir = join(webRoot, '.build-lock');
/** A lock older than this was left by a build that was killed. */
const STALE_LOCK_MS = 10 * 60_000;

async function withBuildLock<T>(run: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const since = await stat(lockDir).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (since > STALE_LOCK_MS) await rm(lockDir, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await run();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

/** Builds the app unless the build is current; says whether it built. */
export async function ensureBuilt(options: { force?: boolean } = {}): Promise<{ built: boolean }> {
  const hash = await sourceHash();
  if (!options.force && (await buildIsCurrent(hash))) return { built: false };
  // Whoever held the lock may have just built these very sources.
  return withBuildLock(async () => {
    if (!options.force && (await buildIsCurrent(hash))) return { built: false };
    await build(hash);
    return { built: true };
  });
}

async function build(hash: string): Promise<void> {
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch (error) {
    throw new Error(
      'The web app needs building but Vite is not installed (dev dependencies are left out?): run `npm install`.',
      { cause: error },
    );
  }
  const configFile = join(webRoot, 'vite.config.ts');
  await vite.build({ configFile, mode: 'production', logLevel: 'warn' });
  await vite.build({
    configFile,
    mode: 'production',
    logLevel: 'warn',
    build: { ssr: 'src/entry-server.tsx' },
  });
  await writeFile(stampFile, `${hash}\n`);
}

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  css?: string[];
}

/** The JavaScript (and CSS) a first visit to the citizen home page loads, with gzipped sizes in bytes. */
export async function homeInitialLoad(): Promise<{ jsGzip: number; cssGzip: number; files: string[] }> {
  const manifest = JSON.parse(await readFile(join(distDir, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const next of manifest[key]?.imports ?? []) visit(next);
  };
  visit('index.html');
  // The entry only waits for the page, then loads the app's start (boot.tsx) and the screen.
  visit('src/boot.tsx');
  visit('src/citizen/home/HomeScreen.tsx');
  const js = new Set<string>();
  const css = new Set<string>();
  for (const key of seen) {
    const chunk = manifest[key];
    if (!chunk) throw new Error(`the build manifest has no chunk ${key}`);
    js.add(chunk.file);
    for (const file of chunk.css ?? []) css.add(file);
  }
  const gzipOf = async (file: string) => gzipSync(await readFile(join(distDir, file)), { level: 9 }).length;
  let jsGzip = 0;
  for (const file of js) jsGzip += await gzipOf(file);
  let cssGzip = 0;
  for (const file of css) cssGzip += await gzipOf(file);
  return { jsGzip, cssGzip, files: [...js, ...css] };
}

if (import.meta.main) {
  const started = Date.now();
  try {
    const { built } = await ensureBuilt({ force: process.argv.includes('--force') });
    if (built) {
      const size = await homeInitialLoad();
      process.stdout.write(
        `web app built in ${((Date.now() - started) / 1000).toFixed(1)} s; the home page loads ` +
          `${(size.jsGzip / 1024).toFixed(1)} KB of JavaScript and ${(size.cssGzip / 1024).toFixed(1)} KB of CSS (gzip)\n`,
      );
    }
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
