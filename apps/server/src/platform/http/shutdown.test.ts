import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { testConfig } from '../../testing/config.ts';
import { describeEachDialect, freshPglite } from '../../testing/db.ts';
import { waitFor } from '../events/testing.ts';

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describeEachDialect('graceful shutdown', (ctx) => {
  it('finishes in-flight requests, then refuses new connections', async () => {
    const app = await buildApp(ctx.config({ ONECITY_HOST: '127.0.0.1' }), { database: ctx.handle() });
    let started!: () => void;
    const inside = new Promise<void>((r) => {
      started = r;
    });
    app.get('/test/slow', async () => {
      started();
      await new Promise((r) => setTimeout(r, 400));
      return { done: true };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const inFlight = get(port, '/test/slow');
    await inside;
    const closing = app.close();
    const answer = await inFlight;
    expect(answer).toEqual({ status: 200, body: '{"done":true}' });
    await closing;
    await expect(get(port, '/healthz')).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('readiness', () => {
  it('answers 503 with a retry hint when the database is gone, while liveness stays 200', async () => {
    const handle = await freshPglite('empty');
    const app = await buildApp(testConfig(), { database: handle });
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    await handle.close();
    const ready = await app.inject({ url: '/readyz', headers: { 'accept-language': 'en' } });
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['retry-after']).toBe('5');
    expect(ready.json()).toEqual({ status: 'unavailable', checks: { database: 'unavailable' } });
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });
});

describeEachDialect('a database connection lost in the middle of a request', (ctx) => {
  it.runIf(ctx.kind === 'postgres')(
    'answers 503 with a retry hint, never 500, and serves the next request on a new connection',
    async () => {
      const app = await buildApp(ctx.config(), { database: ctx.handle() });
      app.post('/test/lost', async () =>
        app.platform.db.transaction().execute(async (trx) => {
          // The server ends this transaction's session between two statements, as a restart
          // would: the next statement finds the connection broken, and so does the rollback.
          const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
          const pid = rows[0]?.pid;
          await sql`SELECT pg_terminate_backend(${pid}::int)`.execute(app.platform.db);
          await waitFor(
            async () =>
              (
                await sql<{
                  n: number;
                }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ${pid}::int`.execute(app.platform.db)
              ).rows[0]?.n === 0,
            'the session to end',
          );
          await new Promise((resolve) => setTimeout(resolve, 100));
          await sql`SELECT 1`.execute(trx);
        }),
      );
      const lost = await app.inject({ method: 'POST', url: '/test/lost', headers: { 'accept-language': 'en' } });
      expect(lost.statusCode, lost.body).toBe(503);
      expect(lost.headers['retry-after']).toBe('5');
      expect(lost.json().code).toBe('SERVICE_UNAVAILABLE');
      expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
      await app.close();
    },
  );
});
