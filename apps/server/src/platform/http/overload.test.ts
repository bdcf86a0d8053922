import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { testConfig } from '../../testing/config.ts';
import { freshPglite } from '../../testing/db.ts';
import type { DatabaseHandle } from '../db/database.ts';

/** Waits for `check` to hold, asking again every 50 ms (for up to 20 s). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition never held');
}

describe('overload protection', () => {
  let app: FastifyInstance | undefined;
  let database: DatabaseHandle | undefined;

  async function start(overrides: Record<string, string>) {
    database = await freshPglite('empty');
    app = await buildApp(testConfig(overrides), { database });
    return app;
  }

  afterEach(async () => {
    await app?.close();
    await database?.close();
    app = undefined;
    database = undefined;
  });

  it('refuses what exceeds the requests in flight at once, with 503 and Retry-After, and admits again after', async () => {
    const server = await start({ ONECITY_MAX_IN_FLIGHT: '4' });
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.get('/held', async () => {
      await gate;
      return { ok: true };
    });
    const answered: number[] = [];
    const pending = Array.from({ length: 12 }, () =>
      server.inject({ url: '/held', headers: { 'accept-language': 'en' } }).then((res) => {
        answered.push(res.statusCode);
        return res;
      }),
    );
    // The excess is answered at once, while the admitted requests are still held.
    await eventually(async () => answered.length === 8);
    expect(answered).toEqual(Array(8).fill(503));
    // Live-update streams hold no slot: with every slot taken, a stream is still let through.
    const stream = await server.inject({ url: '/api/v1/no-such-stream', headers: { accept: 'text/event-stream' } });
    expect(stream.statusCode).toBe(404);
    // Health stays answerable for the load balancer and the operators.
    expect((await server.inject({ url: '/healthz' })).statusCode).toBe(200);
    release();
    const answers = await Promise.all(pending);
    expect(answers.filter((res) => res.statusCode === 200)).toHaveLength(4);
    const refused = answers.find((res) => res.statusCode === 503);
    expect(refused?.headers['retry-after']).toBe('2');
    expect(refused?.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused?.json()).toMatchObject({ code: 'OVERLOADED', title: expect.stringContaining('try again') });
    // Every slot came back: a full set is admitted again.
    const again = await Promise.all(Array.from({ length: 4 }, () => server.inject({ url: '/held' })));
    expect(again.map((res) => res.statusCode)).toEqual([200, 200, 200, 200]);
    const metrics = (await server.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/onecity_http_shed_total\{reason="inFlight"\} 8/);
  });

  it('refuses new requests while the event loop is stalled, in the caller’s language, and recovers by itself', async () => {
    const server = await start({ ONECITY_MAX_EVENT_LOOP_DELAY_MS: '100', ONECITY_MAX_IN_FLIGHT: '0' });
    await server.ready();
    expect((await server.inject({ url: '/healthz' })).statusCode).toBe(200);
    // Stall the loop (as a CPU-bound flood would) until the sampler has seen it.
    let refused: Awaited<ReturnType<FastifyInstance['inject']>> | undefined;
    await eventually(async () => {
      const until = Date.now() + 400;
      while (Date.now() < until) {
        // busy: the loop cannot turn
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
      const res = await server.inject({ url: '/api/v1/cities', headers: { 'accept-language': 'zh-CN' } });
      if (res.statusCode !== 503) return false;
      refused = res;
      return true;
    });
    expect(refused?.json()).toMatchObject({ code: 'OVERLOADED', title: '当前访问人数过多，请稍后重试' });
    expect(refused?.headers['retry-after']).toBe('2');
    // Health is never refused, even now.
    expect((await server.inject({ url: '/healthz' })).statusCode).toBe(200);
    // Once the loop turns freely again, requests are admitted without a restart.
    await eventually(async () => (await server.inject({ url: '/api/v1/cities' })).statusCode === 200);
  });
});
