/**
 * Starting a OneCity process: parse config → buildApp → (seed) → start background roles →
 * listen. Shutdown on SIGTERM/SIGINT drains in-flight requests, then closes everything.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { seedDemo } from './flows/seed-demo.ts';

/** A started process: its app, its URL (if it listens), and how to stop it. */
export interface Running {
  app: FastifyInstance;
  url: string | null;
  stop(): Promise<void>;
}

/** Starts OneCity with `config` (roles, seeding and listening as configured). */
export async function startServer(config: Config): Promise<Running> {
  const began = performance.now();
  const app = await buildApp(config);
  try {
    if (config.seedDemo) {
      const seeded = await seedDemo(app.platform.db);
      app.log.info({ seeded }, 'demo city ready');
    }
    if (config.role === 'all' || config.role === 'worker') await app.platform.startBackground();
    let url: string | null = null;
    if (config.role === 'all' || config.role === 'api') {
      await app.listen({ host: config.http.host, port: config.http.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.http.port;
      url = config.http.port === 0 ? `http://localhost:${port}` : config.http.publicUrl;
    }
    app.log.info({ role: config.role, url, startupMs: Math.round(performance.now() - began) }, 'OneCity started');
    return {
      app,
      url,
      async stop() {
        await app.close();
      },
    };
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** Stops `running` on SIGTERM/SIGINT; gives up waiting after the configured timeout. */
export function stopOnSignals(running: Running, config: Config) {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      running.app.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    running.app.log.info({ signal }, 'shutting down: draining in-flight requests');
    const timer = setTimeout(() => {
      running.app.log.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.http.shutdownTimeoutMs);
    timer.unref();
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        running.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
