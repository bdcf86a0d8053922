/**
 * Security headers on every response (helmet): a strict Content-Security-Policy, no sniffing,
 * no framing, no referrer leaks. The helmet middleware is built once; @fastify/helmet rebuilt
 * it for every request, which cost a third of a trivial route's throughput.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';

/** Installs the security headers for every route of the app. */
export const securityHeaders = fp(
  async (app: FastifyInstance, options: { hsts: boolean; mapTiles?: string | null }) => {
    // A configured tile server is the one other origin pages may load from (map tiles).
    const tiles = options.mapTiles ? [new URL(options.mapTiles.replace(/\{[zxy]\}/g, '0')).origin] : [];
    const middleware = helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:', ...tiles],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'", ...tiles],
          workerSrc: ["'self'", 'blob:'],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
        },
      },
      strictTransportSecurity: options.hsts,
    });
    app.addHook('onRequest', (request, reply, done) => {
      middleware(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
    });
  },
  { name: 'onecity-security-headers' },
);
