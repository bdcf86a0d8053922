/**
 * Keeps the deployment artefacts honest against the code: the container image, the Helm chart
 * and docs/OPERATIONS.md may only name settings config.ts reads and roles and commands that
 * exist, and the chart's YAML must parse. Neither Docker nor Helm runs here, so the templates
 * are checked as text: their Go template actions are taken out and the YAML around them parsed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig, Roles } from '../apps/server/src/config.ts';
import { defaultNatsSettings } from '../apps/server/src/platform/events/nats-bus.ts';
import { healthcheckUrl } from './healthcheck.ts';

const root = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const chartDir = 'deploy/helm/onecity';
const templateFiles = readdirSync(join(root, chartDir, 'templates')).map((f) => `${chartDir}/templates/${f}`);
const containerfile = read('deploy/Containerfile');
const packageJson = JSON.parse(read('package.json')) as {
  version: string;
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};

const ENV_NAME = /\bONECITY_[A-Z0-9_]+\b/g;
const namesIn = (text: string) => new Set(text.match(ENV_NAME) ?? []);

/** The settings a process reads: the keys of config.ts's EnvSchema. */
function runtimeSettings(): Set<string> {
  const source = read('apps/server/src/config.ts');
  const start = source.indexOf('const EnvSchema = z.object({');
  const end = source.indexOf('\n});', start);
  expect(start).toBeGreaterThan(0);
  return new Set([...source.slice(start, end).matchAll(/^ {2}(ONECITY_[A-Z0-9_]+):/gm)].map((m) => m[1] as string));
}

/** Every ONECITY_* name config.ts mentions (the settings, and the test suite's own). */
const allConfigNames = namesIn(read('apps/server/src/config.ts'));
const settings = runtimeSettings();

/** The chart's files that speak of settings: values and templates. */
const chartTexts = [`${chartDir}/values.yaml`, `${chartDir}/Chart.yaml`, ...templateFiles].map((f) => ({
  file: f,
  text: read(f),
}));

const values = parse(read(`${chartDir}/values.yaml`)) as {
  config: Record<string, unknown>;
  secrets: { existingSecret: string; keys: Record<string, string> };
  api: { port: number };
};

/** A template with its Go template actions taken out: lines holding only actions go, inline ones become `X`. */
function withoutActions(template: string): string {
  return template
    .replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, '')
    .split('\n')
    .filter((line) => !/^\s*(\{\{-?[\s\S]*?-?\}\}\s*)+$/.test(line))
    .map((line) => line.replace(/\{\{-?[\s\S]*?-?\}\}/g, 'X'))
    .join('\n');
}

/** The value at `path` (a.b.c) in `object`, and whether it is there at all. */
function has(object: unknown, path: string[]): boolean {
  let at: unknown = object;
  for (const key of path) {
    if (typeof at !== 'object' || at === null || !(key in at)) return false;
    at = (at as Record<string, unknown>)[key];
  }
  return true;
}

describe('the settings the deployment uses', () => {
  it('reads the settings from config.ts', () => {
    expect(settings.size).toBeGreaterThan(30);
    expect(settings).toContain('ONECITY_ROLE');
    expect(settings).toContain('ONECITY_DATABASE_URL');
  });

  it('names in the image and the chart only settings config.ts reads', () => {
    for (const { file, text } of [
      { file: 'deploy/Containerfile', text: containerfile },
      { file: 'deploy/healthcheck.ts', text: read('deploy/healthcheck.ts') },
      ...chartTexts,
    ]) {
      for (const name of namesIn(text)) expect(settings.has(name), `${file} names ${name}`).toBe(true);
    }
  });

  it('gives every setting of values.yaml as a string, and config.ts accepts them for every role', () => {
    for (const [name, value] of Object.entries(values.config)) expect(typeof value, name).toBe('string');
    const env = {
      ...(values.config as Record<string, string>),
      ONECITY_HOST: '0.0.0.0',
      ONECITY_PORT: String(values.api.port),
      ONECITY_DATABASE_URL: 'postgres://onecity@pgbouncer:6432/onecity',
      ONECITY_PII_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
      ONECITY_BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
      ONECITY_AUDIT_KEY: Buffer.alloc(32, 3).toString('base64'),
    };
    for (const role of ['api', 'worker']) {
      const config = loadConfig(env, { ONECITY_ROLE: role });
      expect(config.env).toBe('production');
      expect(config.role).toBe(role);
      expect(config.secrets.development).toBe(false);
    }
  });

  it('takes the database URL and the three keys from the Secret', () => {
    expect(Object.keys(values.secrets.keys).sort()).toEqual(
      ['ONECITY_AUDIT_KEY', 'ONECITY_BLIND_INDEX_KEY', 'ONECITY_DATABASE_URL', 'ONECITY_PII_KEYS'].sort(),
    );
    for (const name of Object.keys(values.secrets.keys)) expect(values.config).not.toHaveProperty(name);
  });

  it('starts only roles and commands the CLI has', () => {
    const help = read('apps/server/src/cli/onecity.ts');
    const roleUses = [containerfile, ...templateFiles.map(read)].flatMap((text) => [
      ...text.matchAll(/"--role",\s*"([a-z]+)"/g),
    ]);
    expect(roleUses.length).toBeGreaterThanOrEqual(3);
    for (const [, role] of roleUses) expect(Roles).toContain(role);
    for (const text of [containerfile, ...templateFiles.map(read)]) {
      for (const [, args] of text.matchAll(/^\s*(?:args:|CMD)\s*\[\s*"([a-z-]+)"/gm)) {
        expect(help, `onecity ${args}`).toContain(`  onecity ${args}`);
      }
    }
  });
});

describe('the container image', () => {
  it('runs on the Node version the project pins', () => {
    const image = containerfile.match(/^ARG NODE_IMAGE=node:(\d+\.\d+\.\d+)-/m);
    expect(image?.[1]).toBe(packageJson.devDependencies.node);
  });

  it('copies only what exists and runs the CLI the way npm scripts do', () => {
    const sources = [...containerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) =>
      (m[1] as string).split(' '),
    );
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) expect(existsSync(join(root, source)), source).toBe(true);
    expect(packageJson.scripts.onecity).toBe('node apps/server/src/cli/onecity.ts');
    expect(containerfile).toContain('ln -s /app/apps/server/src/cli/onecity.ts /usr/local/bin/onecity');
    expect(read('apps/server/src/cli/onecity.ts').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(containerfile).toContain('RUN npm run build:web');
    expect(packageJson.scripts['build:web']).toBeDefined();
    expect(containerfile).toMatch(/^USER 1000:1000$/m);
    expect(containerfile).toMatch(/^HEALTHCHECK .*\/app\/deploy\/healthcheck\.ts/m);
    expect(containerfile).toMatch(/^ENTRYPOINT \["onecity"\]$/m);
  });

  it('asks an api process for /healthz and a worker for nothing', () => {
    expect(healthcheckUrl(['node', '/usr/local/bin/onecity', 'start', '--role', 'api'], {})).toBe(
      'http://localhost:3000/healthz',
    );
    expect(
      healthcheckUrl(['onecity', 'start', '--role=api', '--port', '8080'], {
        ONECITY_HOST: '0.0.0.0',
        ONECITY_PORT: '3000',
      }),
    ).toBe('http://127.0.0.1:8080/healthz');
    expect(healthcheckUrl(['onecity', 'start'], { ONECITY_PORT: '4000', ONECITY_HOST: '::' })).toBe(
      'http://127.0.0.1:4000/healthz',
    );
    expect(healthcheckUrl(['onecity', 'start', '--role', 'worker'], { ONECITY_ROLE: 'api' })).toBeNull();
    expect(healthcheckUrl(['tini', '--', 'onecity', 'start'], { ONECITY_ROLE: 'worker' })).toBeNull();
  });
});

describe('the Helm chart', () => {
  it('has a Chart.yaml for Helm 3 at the app version', () => {
    const chart = parse(read(`${chartDir}/Chart.yaml`)) as Record<string, unknown>;
    expect(chart.apiVersion).toBe('v2');
    expect(chart.name).toBe('onecity');
    expect(String(chart.version)).toMatch(/^\d+\.\d+\.\d+$/);
    expect(chart.appVersion).toBe(packageJson.version);
  });

  it('refers only to values that values.yaml defines', () => {
    for (const file of templateFiles) {
      for (const [, path] of read(file).matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)) {
        expect(has(values, (path as string).split('.')), `${file}: .Values.${path}`).toBe(true);
      }
    }
  });

  it('has templates that are YAML around their template actions', () => {
    const manifests = templateFiles.filter((f) => f.endsWith('.yaml'));
    expect(manifests.length).toBeGreaterThanOrEqual(7);
    const kinds: string[] = [];
    for (const file of manifests) {
      for (const doc of parseAllDocuments(withoutActions(read(file)))) {
        expect(
          doc.errors.map((e) => e.message),
          file,
        ).toEqual([]);
        const manifest = doc.toJS() as { apiVersion?: string; kind?: string } | null;
        if (!manifest) continue;
        expect(manifest.apiVersion, file).toBeTruthy();
        kinds.push(manifest.kind as string);
      }
    }
    expect(kinds.sort()).toEqual(
      [
        'ConfigMap',
        'Deployment',
        'Deployment',
        'HorizontalPodAutoscaler',
        'Job',
        'PodDisruptionBudget',
        'PodDisruptionBudget',
        'Service',
      ].sort(),
    );
  });

  it('probes the API on /healthz and /readyz and migrates in a pre-install/pre-upgrade hook', () => {
    const api = read(`${chartDir}/templates/api-deployment.yaml`);
    expect(api).toMatch(/livenessProbe:\s+httpGet:\s+path: \/healthz/);
    expect(api).toMatch(/readinessProbe:\s+httpGet:\s+path: \/readyz/);
    const job = read(`${chartDir}/templates/migrate-job.yaml`);
    expect(job).toContain('"helm.sh/hook": pre-install,pre-upgrade');
    expect(job).toContain('args: ["migrate"]');
  });
});

describe('docs/OPERATIONS.md', () => {
  const operations = read('docs/OPERATIONS.md');

  it('explains every ONECITY_* name config.ts reads', () => {
    for (const name of allConfigNames) expect(operations, name).toContain(`\`${name}\``);
  });

  it('names no setting that config.ts does not read', () => {
    const stream = defaultNatsSettings.stream;
    for (const name of namesIn(operations)) expect(allConfigNames.has(name) || name === stream, name).toBe(true);
  });

  it('creates the NATS stream OneCity uses', () => {
    const { stream, subjectPrefix } = defaultNatsSettings;
    expect(operations).toContain(`nats stream add ${stream} --subjects '${subjectPrefix}.>'`);
  });

  it('says that the image and the chart were not run here', () => {
    expect(operations).toContain('not run here');
  });
});
