/**
 * Emits the service worker (apps/web/src/sw.js, hand-written) as /sw.js with the build's
 * identity and the files a first screen needs in front of it: the entry chunk, its static
 * imports and styles, and the citizen home screen's chunks — so that the app starts offline
 * after one visit without caching every screen of the staff and operations apps up front.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plugin } from 'vite';

/** Where the hand-written service worker lives. */
const SOURCE = join(import.meta.dirname, '..', 'src', 'sw.js');

/** The module whose chunks are cached at install besides the entry's: the first screen citizens see. */
const FIRST_SCREEN = join('src', 'citizen', 'home', 'HomeScreen.tsx');

interface ChunkLike {
  type: 'chunk';
  fileName: string;
  isEntry: boolean;
  facadeModuleId: string | null;
  imports: string[];
  viteMetadata?: { importedCss: Set<string> };
}

/** The Vite plugin that writes /sw.js. */
export function serviceWorker(): Plugin {
  return {
    name: 'onecity-service-worker',
    apply: 'build',
    enforce: 'post',
    async generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((item): item is typeof item & ChunkLike => item.type === 'chunk');
      const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
      const files = new Set<string>();
      const visit = (chunk: ChunkLike | undefined) => {
        if (!chunk || files.has(chunk.fileName)) return;
        files.add(chunk.fileName);
        for (const css of chunk.viteMetadata?.importedCss ?? []) files.add(css);
        for (const name of chunk.imports) visit(byName.get(name));
      };
      for (const chunk of chunks) {
        if (chunk.isEntry || chunk.facadeModuleId?.endsWith(FIRST_SCREEN)) visit(chunk);
      }
      const precache = [...files].sort().map((file) => `/${file}`);
      precache.push('/manifest.webmanifest');
      const version = createHash('sha256').update(precache.join('\n')).digest('hex').slice(0, 16);
      const source = await readFile(SOURCE, 'utf8');
      this.emitFile({
        type: 'asset',
        fileName: 'sw.js',
        source: `self.ONECITY_BUILD = ${JSON.stringify({ version, precache })};\n${source}`,
      });
    },
  };
}
