/**
 * Runs once before the suite: builds migrated (and demo-seeded) template databases so that
 * each test file starts from a copy in milliseconds instead of re-migrating.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadTestServices } from '../config.ts';
import { createPglite } from '../platform/db/database.ts';
import { loadMigrations } from '../platform/db/migrate.ts';
import { buildTemplates, templateName } from './templates.ts';

export default async function setup(project: TestProject) {
  const services = loadTestServices();
  const migrations = await loadMigrations();
  const dir = join(process.cwd(), 'node_modules', '.cache', 'onecity-test');
  await mkdir(dir, { recursive: true });
  const tag = templateName(migrations);
  const { pglite, postgres } = await buildTemplates(tag, services, createPglite);
  const files: Record<string, string> = {};
  for (const [variant, blob] of Object.entries(pglite)) {
    const path = join(dir, `${tag}-${variant}.tar.gz`);
    await writeFile(path, Buffer.from(await blob.arrayBuffer()));
    files[variant] = path;
  }
  project.provide('onecityTemplates', { pgliteFiles: files, postgres });
}

declare module 'vitest' {
  export interface ProvidedContext {
    onecityTemplates: {
      pgliteFiles: Record<string, string>;
      /** Template database names per variant, or the reason PostgreSQL is unavailable. */
      postgres: { ok: true; databases: Record<string, string> } | { ok: false; reason: string };
    };
  }
}
