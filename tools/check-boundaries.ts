/** Fails (exit 1) when any source file breaks a dependency rule; see tools/boundaries.ts. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkFile, repoPath } from './boundaries.ts';

const root = join(import.meta.dirname, '..');
const roots = ['apps', 'packages'];

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (/\.(ts|tsx)$/.test(entry.name)) yield path;
  }
}

let files = 0;
const violations = [];
for (const top of roots) {
  for await (const abs of walk(join(root, top))) {
    files++;
    violations.push(...checkFile(repoPath(root, abs), await readFile(abs, 'utf8')));
  }
}
for (const v of violations) process.stderr.write(`${v.file}:${v.line}  [${v.rule}] ${v.detail}\n`);
if (violations.length) {
  process.stderr.write(`\n${violations.length} dependency rule violation(s) in ${files} files\n`);
  process.exit(1);
}
process.stdout.write(`dependency rules hold in ${files} files\n`);
