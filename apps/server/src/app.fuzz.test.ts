/**
 * Bad input at every operation of the OpenAPI document the app serves (testing/bad-input):
 * wrong types, missing and extra fields, huge and odd Unicode strings, JSON nested thousands
 * deep, broken JSON, wrong content types, broken multipart bodies, image bombs, SVG with
 * script, path tricks, Idempotency-Keys used wrongly — sent as an anonymous caller, a citizen,
 * a city staff member and a platform administrator, in zh-CN and English. The promise: never a
 * 5xx, never a crash, every refusal problem+json in the language asked for, and nothing in the
 * database changed by a refused request.
 * FUZZ_RUNS sets the cases per operation (default 15 here; `npm run bench:fuzz` runs thousands),
 * FUZZ_SEED the run's seed (random by default; a failure names its case's seed either way).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { appendAudit } from './platform/audit/index.ts';
import { anonymous } from './platform/identity/principal.ts';
import { ManualClock } from './platform/time/clock.ts';
import { type BadInput, CallerNames, type Failure, prepareBadInput } from './testing/bad-input/index.ts';
import { describeEachDialect } from './testing/db.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 15);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

function report(failures: Failure[]): string {
  return failures
    .slice(0, 20)
    .map(
      (f) =>
        `${f.operation} — case seed ${f.caseSeed} (${f.caller}, Accept-Language ${f.locale})\n` +
        `  ${f.requests.join('\n  ')}\n  → ${f.problems.join('\n  → ')}`,
    )
    .join('\n\n');
}

describeEachDialect(
  'bad input at every operation',
  (ctx) => {
    let app: FastifyInstance;
    let bad: BadInput;
    const clock = new ManualClock('2026-06-01T02:00:00Z');

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      await app.ready();
      bad = await prepareBadInput(app, clock);
    });
    afterAll(async () => {
      await app.close();
    });

    it('describes every API route in the OpenAPI document it is driven by', () => {
      const described = new Set(bad.operations.map((op) => op.key));
      const registered = app.routeCatalog.map((r) => `${r.method} ${r.url}`);
      expect(registered.length).toBeGreaterThan(100);
      expect(registered.filter((key) => !described.has(key))).toEqual([]);
    });

    it('sees a write to any table, and not a read', async () => {
      const { watch } = bad.runner;
      await watch.reset();
      await app.inject({ url: '/api/v1/cities/lingnan/zones' });
      expect(await watch.changes()).toEqual([]);
      await app.platform.db.updateTable('zones').set({ name_zh: '无处' }).where('code', '=', 'nowhere').execute();
      expect(await watch.changes()).toEqual([]);
      // Even a write that leaves the values as they were.
      await app.platform.db
        .updateTable('zones')
        .set((eb) => ({ name_zh: eb.ref('name_zh') }))
        .where('code', '=', 'LN-01')
        .execute();
      expect(await watch.changes()).toEqual(['zones']);
      expect(await watch.changes()).toEqual([]);
      // A staff account's failed attempts are a refusal's record; its name is not.
      const { id } = await app.platform.db.selectFrom('staff').select('id').limit(1).executeTakeFirstOrThrow();
      const staff = app.platform.db.updateTable('staff').where('id', '=', id);
      await staff.set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) })).execute();
      expect(await watch.changes()).toEqual([]);
      await staff.set({ display_name: '改名' }).execute();
      expect(await watch.changes()).toEqual(['staff']);
      // An audit entry of a refused attempt is the refusal's record; any other entry is not.
      const record = (outcome: 'denied' | 'success') =>
        app.platform.db
          .transaction()
          .execute((trx) =>
            appendAudit(
              trx,
              app.platform.config.secrets.auditKey,
              { action: 'auth.password', outcome },
              { principal: anonymous, at: clock.now() },
            ),
          );
      await record('denied');
      expect(await watch.changes()).toEqual([]);
      await record('success');
      expect(await watch.changes()).toEqual(['audit_head', 'audit_log']);
      if (ctx.kind === 'postgres') {
        // A write is seen once it commits, however late: the look between sees nothing, the next one sees it.
        await app.platform.db.transaction().execute(async (trx) => {
          await trx
            .updateTable('zones')
            .set((eb) => ({ name_zh: eb.ref('name_zh') }))
            .where('code', '=', 'LN-01')
            .execute();
          expect(await watch.changes()).toEqual([]);
        });
        expect(await watch.changes()).toEqual(['zones']);
      }
    });

    it(`never answers 5xx, explains every refusal in the language asked for, and changes nothing it refuses (seed ${SEED})`, async () => {
      const failures: Failure[] = [];
      const callers = new Set<string>();
      for (const op of bad.operations) {
        const tally = await bad.runner.runOperation(op, { seed: SEED, count: RUNS });
        expect(tally.cases).toBe(RUNS);
        for (const [caller, n] of Object.entries(tally.callers)) if (n > 0) callers.add(caller);
        failures.push(...tally.failures);
      }
      expect([...callers].sort()).toEqual([...CallerNames].sort());
      if (failures.length) throw new Error(`${failures.length} failing cases (seed ${SEED}):\n\n${report(failures)}`);
    }, 600_000);
  },
  'demo',
);
