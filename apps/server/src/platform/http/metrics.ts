/** Prometheus metrics at `/metrics`: process defaults plus request counts and latencies by route. */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Registers the metrics hooks (for every route of the app) and the `/metrics` route. */
export const metricsPlugin = fp(
  async (app: FastifyInstance) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'onecity_' });
    const duration = new Histogram({
      name: 'onecity_http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    const errors = new Counter({
      name: 'onecity_http_server_errors_total',
      help: 'Responses with a 5xx status',
      labelNames: ['route'] as const,
      registers: [registry],
    });
    app.addHook('onResponse', async (request, reply) => {
      // The route pattern, never the raw URL: URLs may carry identifiers, and labels must stay few.
      const route = request.routeOptions.url ?? 'unmatched';
      if (route === '/metrics') return;
      const status = String(reply.statusCode);
      duration.observe({ method: request.method, route, status }, reply.elapsedTime / 1000);
      if (reply.statusCode >= 500) errors.inc({ route });
    });
    app.get('/metrics', { schema: { hide: true }, logLevel: 'warn' }, async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });
    app.decorate('metrics', registry);
  },
  { name: 'onecity-metrics' },
);

declare module 'fastify' {
  interface FastifyInstance {
    /** The Prometheus registry: modules add their own collectors to it. */
    metrics: Registry;
  }
}
