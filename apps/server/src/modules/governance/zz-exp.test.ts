import { expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { ManualClock } from '../../platform/time/clock.ts';
import { describeEachDialect } from '../../testing/db.ts';

describeEachDialect(
  'exp',
  (ctx) => {
    it('closes', async () => {
      const app = await buildApp(ctx.config(), { database: ctx.handle(), clock: new ManualClock() });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const res = await fetch(
        `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/v1/cities/lingnan/public/reports`,
      );
      await res.text();
      const t = Date.now();
      await app.close();
      console.log('EXP close took', ctx.kind, Date.now() - t);
      expect(1).toBe(1);
    }, 120_000);
  },
  'demo',
);
