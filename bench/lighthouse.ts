/**
 * The citizen app as Lighthouse sees it on a phone, against an empty page served by the same
 * server, measured in one run on one machine:
 *
 *   L0  a minimal static page (a heading and a paragraph) from the same server   the baseline
 *   L1  the citizen home page                       /
 *   L2  a service's detail page                     /services/food-business-permit
 *   L3  the search page with a query                /search?q=开餐馆
 *
 * Each page: Lighthouse 13's default (mobile) configuration — a mid-range phone's screen,
 * simulated slow 4G and a 4× slower CPU — performance, accessibility and best-practices scores,
 * FCP, LCP, TBT and CLS (medians of `--runs` runs), and the ratio of FCP and LCP to the
 * baseline's: what the app costs over an empty page. Also the JavaScript a first visit to the
 * home page loads, gzipped, as the build's manifest lists it (budget 200 KB).
 *
 * Goals: performance ≥ 90 and accessibility ≥ 95 on every page. When a page misses one, the
 * audits that cost it points are printed.
 *
 * Usage: npm run bench:lighthouse -- [--runs 3] [--quick] [--reports <dir>] [--write-docs]
 *
 * It builds the web app when the build is stale, starts the real server (production
 * configuration, embedded PGlite in a temporary directory, the demo city seeded) on localhost,
 * and drives Debian's Chromium (`/usr/bin/chromium`, or CHROME_PATH) through chrome-launcher.
 * See "Citizen app in Lighthouse" in docs/BENCHMARKS.md.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as chromeLauncher from 'chrome-launcher';
import type { FastifyInstance } from 'fastify';
import lighthouse from 'lighthouse';
import { buildApp } from '../apps/server/src/app.ts';
import { seedDemo } from '../apps/server/src/flows/seed-demo.ts';
import { ensureBuilt, homeInitialLoad } from '../apps/web/scripts/build.ts';
import pkg from '../package.json' with { type: 'json' };
import { Cleanups, oneCityConfig } from './load.ts';
import { describeMachine, formatRatio, markdownTable, writeSection } from './report.ts';

const DOCS_FILE = new URL('../docs/BENCHMARKS.md', import.meta.url);
const DOCS_SECTION = 'bench:lighthouse';
const BASELINE_PATH = '/bench/empty-page';
const GOALS = { performance: 90, accessibility: 95 } as const;
const HOME_JS_BUDGET = 200 * 1024;
const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;
/** The same switches as the browser tests (e2e/support.ts): no background traffic skewing the figures. */
const CHROME_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const PAGES = [
  { id: 'L0', name: 'empty page (baseline)', path: BASELINE_PATH },
  { id: 'L1', name: 'citizen home', path: '/' },
  { id: 'L2', name: 'service detail', path: '/services/food-business-permit' },
  { id: 'L3', name: 'search', path: `/search?q=${encodeURIComponent('开餐馆')}` },
] as const;

/** The baseline: the least a page can be — valid, accessible, nothing to load. */
const EMPTY_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="description" content="An empty page: the baseline of the Lighthouse benchmark.">
    <title>Baseline</title>
  </head>
  <body>
    <main>
      <h1>Baseline</h1>
      <p>An empty page served by the same server.</p>
    </main>
  </body>
</html>
`;

const log = (message: string) => process.stderr.write(`[lighthouse] ${message}\n`);

interface Options {
  runs: number;
  writeDocs: boolean;
  /** Where to keep every run's full Lighthouse report (JSON), or null. */
  reports: string | null;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string' },
      reports: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'write-docs': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'Usage: npm run bench:lighthouse -- [--runs <n>] [--quick] [--reports <dir>] [--write-docs]\n' +
        '  --runs        Lighthouse runs per page; medians are reported (default 3)\n' +
        '  --quick       a smoke run: one run per page\n' +
        "  --reports     keep every run's full Lighthouse report (JSON) in this directory\n" +
        '  --write-docs  also replace "Latest figures" of the Lighthouse section in docs/BENCHMARKS.md\n',
    );
    process.exit(0);
  }
  let runs = values.quick ? 1 : 3;
  if (values.runs !== undefined) {
    runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1)
      throw new Error(`--runs must be a whole number ≥ 1 (got "${values.runs}")`);
  }
  return { runs, writeDocs: values['write-docs'], reports: values.reports ?? null };
}

/** One Lighthouse run of one page. */
interface RunFigures {
  scores: Record<(typeof CATEGORIES)[number], number>;
  fcp: number;
  lcp: number;
  tbt: number;
  cls: number;
  /** Script bytes over the wire (as sent: brotli). */
  scriptTransfer: number;
  /** Audits that cost points in a category under its goal: `category: title (score)`. */
  misses: string[];
}

/** A page's figures: the medians of its runs. */
interface PageFigures extends RunFigures {
  id: string;
  name: string;
  path: string;
  runs: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

type Lhr = NonNullable<Awaited<ReturnType<typeof lighthouse>>>['lhr'];

function missesOf(lhr: Lhr): string[] {
  const misses: string[] = [];
  for (const [category, goal] of Object.entries(GOALS)) {
    const group = lhr.categories[category];
    if (!group || (group.score ?? 0) * 100 >= goal) continue;
    for (const ref of group.auditRefs) {
      const audit = lhr.audits[ref.id];
      if (!audit || ref.weight === 0 || audit.score === null || audit.score >= 0.9) continue;
      const value = audit.displayValue ? ` — ${audit.displayValue}` : '';
      misses.push(`${category}: ${audit.title} (${Math.round(audit.score * 100)}${value})`);
    }
    // Performance opportunities carry no weight of their own but say where the time goes.
    if (category === 'performance') {
      for (const audit of Object.values(lhr.audits)) {
        const details = audit.details as { type?: string; overallSavingsMs?: number } | undefined;
        if (details?.type === 'opportunity' && (details.overallSavingsMs ?? 0) >= 100) {
          misses.push(`performance: ${audit.title} (saves ~${Math.round(details.overallSavingsMs ?? 0)} ms)`);
        }
      }
      // Which element the LCP is, and how its time splits (waiting for the server vs rendering).
      const breakdown = lhr.audits['lcp-breakdown-insight']?.details as
        | { items?: { type?: string; snippet?: string; items?: { label?: string; duration?: number }[] }[] }
        | undefined;
      const node = breakdown?.items?.find((item) => item.type === 'node')?.snippet;
      const parts = breakdown?.items?.find((item) => item.type === 'table')?.items ?? [];
      if (node) {
        const split = parts.map((part) => `${part.label} ${Math.round(part.duration ?? 0)} ms`).join(', ');
        misses.push(`performance: the LCP element is ${node}${split ? ` (${split})` : ''}`);
      }
    }
  }
  return misses;
}

/** Attempts per run: on a busy machine Chromium now and then loses a trace (NO_NAVSTART, NO_FCP). */
const ATTEMPTS = 3;

async function runOnce(url: string, port: number, report: string | null = null): Promise<RunFigures> {
  let found: Lhr | undefined;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    const result = await lighthouse(url, { port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES] });
    if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
    found = result.lhr;
    if (!found.runtimeError) break;
    log(`${url}: ${found.runtimeError.code}${attempt < ATTEMPTS ? ', trying again' : ''}`);
  }
  if (!found || found.runtimeError)
    throw new Error(`Lighthouse could not load ${url}: ${found?.runtimeError?.message}`);
  const lhr = found;
  if (report) await writeFile(report, JSON.stringify(lhr));
  const numeric = (id: string) => {
    const value = lhr.audits[id]?.numericValue;
    if (typeof value !== 'number') throw new Error(`${url}: Lighthouse measured no ${id}`);
    return value;
  };
  const summary = (
    lhr.audits['resource-summary']?.details as { items?: { resourceType: string; transferSize: number }[] }
  )?.items;
  const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
  return {
    scores: {
      performance: score('performance'),
      accessibility: score('accessibility'),
      'best-practices': score('best-practices'),
    },
    fcp: numeric('first-contentful-paint'),
    lcp: numeric('largest-contentful-paint'),
    tbt: numeric('total-blocking-time'),
    cls: numeric('cumulative-layout-shift'),
    scriptTransfer: summary?.find((item) => item.resourceType === 'script')?.transferSize ?? 0,
    misses: missesOf(lhr),
  };
}

async function measurePage(page: (typeof PAGES)[number], base: string, port: number, options: Options) {
  const { runs } = options;
  const all: RunFigures[] = [];
  for (let i = 0; i < runs; i += 1) {
    const report = options.reports ? join(options.reports, `${page.id}-${i + 1}.json`) : null;
    const figures = await runOnce(`${base}${page.path}`, port, report);
    log(
      `${page.id} ${page.name} run ${i + 1}/${runs}: performance ${figures.scores.performance}, ` +
        `accessibility ${figures.scores.accessibility}, LCP ${Math.round(figures.lcp)} ms`,
    );
    all.push(figures);
  }
  const pick = (read: (run: RunFigures) => number) => median(all.map(read));
  const misses = [...new Set(all.flatMap((run) => run.misses))];
  return {
    id: page.id,
    name: page.name,
    path: page.path,
    runs,
    scores: {
      performance: pick((r) => r.scores.performance),
      accessibility: pick((r) => r.scores.accessibility),
      'best-practices': pick((r) => r.scores['best-practices']),
    },
    fcp: pick((r) => r.fcp),
    lcp: pick((r) => r.lcp),
    tbt: pick((r) => r.tbt),
    cls: pick((r) => r.cls),
    scriptTransfer: pick((r) => r.scriptTransfer),
    misses,
  } satisfies PageFigures;
}

async function startServer(cleanups: Cleanups): Promise<{ app: FastifyInstance; base: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'onecity-bench-'));
  cleanups.add(`remove ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));
  const app = await buildApp(oneCityConfig(dataDir, undefined, { ONECITY_HOST: 'localhost' }));
  cleanups.add('stop the server', () => app.close());
  // The baseline comes through the same server: the same headers, the same connection handling.
  app.get(BASELINE_PATH, async (_request, reply) =>
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(EMPTY_PAGE),
  );
  await app.listen({ host: 'localhost', port: 0 });
  await seedDemo(app.platform.db);
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('the server has no port');
  return { app, base: `http://localhost:${address.port}` };
}

interface Report {
  date: string;
  machine: ReturnType<typeof describeMachine>;
  chromium: string;
  lighthouse: string;
  runs: number;
  home: { jsGzip: number; cssGzip: number };
  pages: PageFigures[];
  /** One-minute load average when the last page was measured. */
  loadAtEnd: number;
}

const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function formatMarkdown(report: Report): string {
  const baseline = report.pages[0];
  const rows = report.pages.map((p) => [
    `${p.id} ${p.name}`,
    String(p.scores.performance),
    String(p.scores.accessibility),
    String(p.scores['best-practices']),
    ms(p.fcp),
    ms(p.lcp),
    ms(p.tbt),
    p.cls.toFixed(3),
    kb(p.scriptTransfer),
    p === baseline ? '1.00' : formatRatio(p.fcp / (baseline?.fcp ?? Number.NaN)),
    p === baseline ? '1.00' : formatRatio(p.lcp / (baseline?.lcp ?? Number.NaN)),
  ]);
  const table = markdownTable(
    [
      'page',
      'performance',
      'accessibility',
      'best practices',
      'FCP',
      'LCP',
      'TBT',
      'CLS',
      'JS sent',
      'FCP ÷ L0',
      'LCP ÷ L0',
    ],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows,
  );
  const m = report.machine;
  // The goals are the app's: the baseline is there for the ratios. Each audit once, without its per-run value.
  const missed = report.pages.filter((p) => p !== baseline && p.misses.length > 0);
  const reasons = (p: PageFigures) =>
    [...new Set(p.misses.map((miss) => miss.replace(/^[a-z-]+: /, '').replace(/ \(.*\)$/, '')))].join('; ');
  const lines = [
    `Measured ${report.date} with Lighthouse ${report.lighthouse} (default mobile configuration: simulated`,
    `slow 4G, 4× CPU slowdown) on ${report.chromium}, ${report.runs} run(s) per page, medians; ${m.cpus} × ${m.cpuModel},`,
    `${m.memoryGiB} GiB, Node ${m.node}, load average ${m.loadAverage.toFixed(2)} at the start, ${report.loadAtEnd.toFixed(2)} at the end.`,
    ...(Math.max(m.loadAverage, report.loadAtEnd) > m.cpus
      ? [
          '',
          `**The machine was busy** (load average above its ${m.cpus} cores): Lighthouse times the page's work as it`,
          'ran here and multiplies it by the CPU slowdown, so every figure that depends on the CPU (TBT above all,',
          'and through it FCP and LCP — compare the empty page L0) is inflated. Repeat the run on a quiet machine.',
        ]
      : []),
    '',
    table,
    '',
    `The home page's initial JavaScript: **${kb(report.home.jsGzip)} gzip** (budget ${kb(HOME_JS_BUDGET)}), and ${kb(report.home.cssGzip)} of CSS.`,
    `Goals: performance ≥ ${GOALS.performance}, accessibility ≥ ${GOALS.accessibility} on every page of the app —`,
    missed.length === 0
      ? 'met on every page.'
      : `missed on ${missed.map((p) => p.id).join(', ')}. What cost the points: ${missed.map((p) => `${p.id}: ${reasons(p)}`).join(' / ')}.`,
  ];
  return lines.join('\n');
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const cleanups = new Cleanups(log);
  const machine = describeMachine();
  const chromePath = process.env.CHROME_PATH || '/usr/bin/chromium';
  try {
    log('building the web app (when its build is stale)');
    const { built } = await ensureBuilt();
    const home = await homeInitialLoad();
    log(`${built ? 'built' : 'build is current'}; the home page loads ${kb(home.jsGzip)} of JS (gzip)`);
    log('starting OneCity (production configuration, PGlite, demo city)');
    if (options.reports) await mkdir(options.reports, { recursive: true });
    const { base } = await startServer(cleanups);
    const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: CHROME_FLAGS, logLevel: 'error' });
    cleanups.add('stop Chromium', async () => {
      chrome.kill();
    });
    const version = await fetch(`http://127.0.0.1:${chrome.port}/json/version`).then(
      (r) => r.json() as Promise<{ Browser?: string }>,
    );
    const pages: PageFigures[] = [];
    // One run of the home page first, not counted: the server's first answers warm its caches.
    await runOnce(`${base}/`, chrome.port);
    for (const page of PAGES) pages.push(await measurePage(page, base, chrome.port, options));
    const report: Report = {
      date: new Date().toISOString().slice(0, 10),
      machine,
      chromium: (version.Browser ?? 'Chromium').replace('/', ' '),
      lighthouse: pkg.devDependencies.lighthouse,
      runs: options.runs,
      home: { jsGzip: home.jsGzip, cssGzip: home.cssGzip },
      pages,
      loadAtEnd: loadavg()[0] ?? 0,
    };
    const markdown = formatMarkdown(report);
    process.stdout.write(`${markdown}\n`);
    for (const page of pages) {
      if (page.misses.length === 0) continue;
      log(`${page.id} ${page.name} misses a goal; the audits that cost it points:`);
      for (const miss of page.misses) log(`  ${miss}`);
    }
    if (options.writeDocs) {
      await writeSection(DOCS_FILE, DOCS_SECTION, markdown);
      log('wrote the figures into docs/BENCHMARKS.md');
    }
  } finally {
    await cleanups.runAll();
  }
}

await main();
