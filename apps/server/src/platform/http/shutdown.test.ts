import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { describeEachDialect } from '../../testing/db.ts';

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
