/**
 * The dependency rules of DESIGN.md §2, checked on source text so that they hold by themselves:
 * - `platform/` never imports `modules/` or `flows/`;
 * - a module reaches another module only through that module's `index.ts`;
 * - `packages/contracts` imports nothing but zod and itself;
 * - web and CLI code never import server internals except through contracts (web: none at all);
 * - `process.env` is read only in apps/server/src/config.ts.
 */
import { dirname, join, normalize, relative } from 'node:path';

/** One broken rule, with where and why. */
export interface Violation {
  file: string;
  line: number;
  rule: string;
  detail: string;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s(?:[^'"]*?\sfrom\s)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const SERVER = 'apps/server/src/';

function lineOf(source: string, index: number): number {
  return source.slice(0, index).split('\n').length;
}

function moduleOf(path: string): string | null {
  const m = path.match(/^apps\/server\/src\/modules\/([^/]+)\//);
  return m ? (m[1] ?? null) : null;
}

/** Checks one file (path relative to the repository root, with forward slashes). */
export function checkFile(file: string, source: string): Violation[] {
  const found: Violation[] = [];
  const isTest = /\.test\.ts$/.test(file) || file.startsWith(`${SERVER}testing/`);
  for (const match of source.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? '';
    const line = lineOf(source, match.index ?? 0);
    const target = spec.startsWith('.') ? normalize(join(dirname(file), spec)).replaceAll('\\', '/') : null;
    const add = (rule: string, detail: string) => found.push({ file, line, rule, detail });

    if (file.startsWith(`${SERVER}platform/`) && target) {
      if (target.startsWith(`${SERVER}modules/`) || target.startsWith(`${SERVER}flows/`)) {
        if (!isTest) add('platform-independent', `platform code imports ${target}`);
      }
    }
    const from = moduleOf(file);
    const to = target ? moduleOf(target) : null;
    if (to && from !== to && target !== `${SERVER}modules/${to}/index.ts`) {
      add('module-entry', `reach module "${to}" only through modules/${to}/index.ts, not ${target}`);
    }
    if (file.startsWith('packages/contracts/')) {
      const ok = spec === 'zod' || spec.startsWith('zod/') || (target?.startsWith('packages/contracts/') ?? false);
      if (!ok) add('contracts-pure', `contracts may import only zod and themselves, not ${spec}`);
    }
    if (file.startsWith('apps/web/')) {
      if ((target && !target.startsWith('apps/web/')) || spec.startsWith('#')) {
        if (spec !== '#contracts' && !spec.startsWith('#contracts/')) {
          add('web-contracts-only', `web code imports server or tool code: ${spec}`);
        }
      }
    }
  }
  const readsEnv = /process\.env/.test(source);
  const envAllowed =
    file === `${SERVER}config.ts` || !(file.startsWith('apps/') || file.startsWith('packages/')) || isTest;
  if (readsEnv && !envAllowed) {
    found.push({
      file,
      line: lineOf(source, source.indexOf('process.env')),
      rule: 'config-only-env',
      detail: 'process.env is read only in apps/server/src/config.ts',
    });
  }
  return found;
}

/** Path of `abs` relative to `root`, with forward slashes. */
export function repoPath(root: string, abs: string): string {
  return relative(root, abs).replaceAll('\\', '/');
}
