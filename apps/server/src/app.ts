/**
 * buildApp(config): the whole platform as one Fastify instance — platform plugins first, then
 * the domain modules. It never listens (main.ts does), so tests drive it with `app.inject`.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { jsonSchemaTransform, serializerCompiler } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import pino, { type Logger } from 'pino';
import { uuidv7 } from 'uuidv7';
import type { Config } from './config.ts';
import { governanceRoutes, open311Routes, scheduleDigest } from './modules/governance/index.ts';
import { governmentRoutes } from './modules/government/index.ts';
import { credentialRoutes } from './platform/credentials/index.ts';
import { type DatabaseHandle, openDatabase } from './platform/db/database.ts';
import { migrate } from './platform/db/migrate.ts';
import type { Database } from './platform/db/schema.ts';
import { createEventSystem, type EventSystem } from './platform/events/index.ts';
import { fileRoutes } from './platform/files/routes.ts';
import { geoRoutes } from './platform/geo/routes.ts';
import { AppError } from './platform/http/errors.ts';
import { firstRenderer } from './platform/http/first-render.ts';
import { healthRoutes } from './platform/http/health.ts';
import { idempotencyPlugin } from './platform/http/idempotency.ts';
import { installJsonBodyParser } from './platform/http/json-body.ts';
import { metricsPlugin } from './platform/http/metrics.ts';
import { overloadProtection } from './platform/http/overload.ts';
import { frameworkProblem, installProblemHandlers, requestLocale } from './platform/http/problem.ts';
import { securityHeaders } from './platform/http/security-headers.ts';
import { zodValidatorCompiler } from './platform/http/validation.ts';
import { WEB_DIST, webAppServer } from './platform/http/web-app.ts';
import { authPlugin } from './platform/identity/auth.ts';
import { oidcProvider } from './platform/identity/oidc/mount.ts';
import { createPiiVault, type PiiVault } from './platform/identity/pii.ts';
import { identityRoutes } from './platform/identity/routes.ts';
import { createJobSystem, type JobSystem } from './platform/jobs/index.ts';
import { registerMaintenance, scheduleMaintenance } from './platform/maintenance.ts';
import { orgRoutes } from './platform/org/routes.ts';
import { paymentRoutes } from './platform/payments/index.ts';
import { reindex } from './platform/search/index.ts';
import { tenancyRoutes } from './platform/tenancy/routes.ts';
import { type Clock, systemClock } from './platform/time/clock.ts';
import { registerWorkflowJobs } from './platform/workflow/index.ts';

/** What every route and module reaches through `app.platform`. */
export interface Platform {
  config: Config;
  db: Kysely<Database>;
  database: DatabaseHandle;
  clock: Clock;
  events: EventSystem;
  jobs: JobSystem;
  /** Encryption and blind indexes for personal data. */
  pii: PiiVault;
  /** A name for this process in logs, job records and consumer names. */
  instanceId: string;
  /** Starts the background roles (outbox relay, job worker); `main` calls it for role worker/all. */
  startBackground(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    platform: Platform;
  }
}

/** Things tests (and the CLI) may hand in instead of having buildApp create them. */
export interface AppDeps {
  /** An open, migrated database; buildApp then leaves closing it to the caller. */
  database?: DatabaseHandle;
  clock?: Clock;
  logger?: Logger;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** Fields that may carry personal data or secrets: never written to logs. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-claim-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.phone',
  '*.nationalId',
  '*.national_id',
  '*.email',
  '*.idNumber',
];

/** Creates the pino logger OneCity uses, with personal data redacted and no raw query strings. */
export function createLogger(config: Config, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { service: 'onecity', pid: process.pid },
    serializers: {
      req(request: FastifyRequest) {
        // Query strings can carry phone numbers or ID numbers; the route pattern is enough.
        return { method: request.method, url: (request.url ?? '').split('?')[0]?.slice(0, 200) };
      },
      res(reply: { statusCode: number }) {
        return { statusCode: reply.statusCode };
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Builds the platform for `config`. Opens and migrates the database unless one is given. */
export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const logger = deps.logger ?? createLogger(config);
  const ownsDatabase = !deps.database;
  // Short enough for PostgreSQL's application_name (63 bytes), which the sessions carry.
  const instanceId = `${hostname().slice(0, 40)}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const database = deps.database ?? (await openDatabase(config, { sessionName: instanceId }));
  try {
    if (ownsDatabase) await migrate(database);
    return await assemble(config, deps, logger, database, ownsDatabase, instanceId);
  } catch (error) {
    if (ownsDatabase) await database.close();
    throw error;
  }
}

async function assemble(
  config: Config,
  deps: AppDeps,
  logger: Logger,
  database: DatabaseHandle,
  ownsDatabase: boolean,
  instanceId: string,
) {
  const clock = deps.clock ?? systemClock;

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.http.bodyLimit,
    trustProxy: config.http.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    requestIdHeader: false,
    genReqId(req) {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : uuidv7();
    },
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: frameworkProblem,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const events = await createEventSystem({ config, db: database.db, clock, logger });
  const jobs = createJobSystem({
    db: database.db,
    clock,
    logger,
    intervalMs: config.jobsIntervalMs,
    workerId: instanceId,
  });
  registerMaintenance(jobs, clock);
  registerWorkflowJobs(jobs, { clock });
  let backgroundStarted = false;
  app.decorate('platform', {
    config,
    db: database.db,
    database,
    clock,
    events,
    jobs,
    pii: createPiiVault(config.secrets),
    instanceId,
    async startBackground() {
      if (backgroundStarted) return;
      backgroundStarted = true;
      // Search documents analysed by an older analyser or vocabulary (an upgrade) are rebuilt;
      // until then searches use them as they are.
      await reindex(database.db).then(
        ({ reindexed }) => {
          if (reindexed > 0) logger.info({ reindexed }, 'search documents reindexed');
        },
        (error: unknown) => logger.error({ err: error }, 'search reindex failed'),
      );
      await events.start();
      await scheduleMaintenance(jobs, database.db, clock);
      await scheduleDigest(app.platform, database.db);
      await jobs.start();
    },
  } satisfies Platform);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // No text a citizen types contains NUL, and databases refuse it: stop it at the door.
    if (request.url.includes('%00') || request.url.includes('\u0000')) throw new AppError('BAD_URL');
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (!reply.hasHeader('content-language')) reply.header('content-language', requestLocale(request));
    return payload;
  });
  app.addHook('onClose', async () => {
    await jobs.stop();
    await events.stop();
    if (ownsDatabase) await database.close();
  });

  // The web app's build at /, only where no route answers; its public pages drawn on the server.
  installProblemHandlers(
    app,
    webAppServer({
      firstRender: firstRenderer({
        root: WEB_DIST,
        log: app.log,
        fetch: async (request) => {
          const res = await app.inject(request);
          return { statusCode: res.statusCode, headers: res.headers, body: res.body };
        },
      }),
    }),
  );
  installJsonBodyParser(app);
  await app.register(securityHeaders, {
    hsts: config.http.publicUrl.startsWith('https://'),
    mapTiles: config.map.tiles,
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OneCity API',
        version: '0.1.0',
        description:
          'The open platform a city runs on. Errors are application/problem+json (RFC 9457) with a stable `code`; ' +
          'messages follow Accept-Language (zh-CN, en). Every POST accepts an Idempotency-Key.',
      },
      servers: [{ url: config.http.publicUrl }],
      tags: [
        { name: 'operations', description: 'Health, readiness and metrics' },
        { name: 'tenancy', description: 'The province and its cities' },
        { name: 'geo', description: 'Zones: district, street, grid' },
        { name: 'org', description: 'Departments' },
        { name: 'identity', description: 'Sign-in, sessions, profiles, consent, enterprises, staff, single sign-on' },
        { name: 'files', description: 'Photo uploads, stored without metadata, before they are attached to a report' },
        {
          name: 'governance',
          description:
            'City governance: report categories and dispatch rules, reports and their tracking, work orders and their workflow, the public feed',
        },
        { name: 'open311', description: 'Open311 GeoReport v2 (at /api/open311/v2), JSON and XML' },
        {
          name: 'government',
          description:
            'Digital government: the service catalog (services, themes, life events, one-go bundles), applications, e-certificates, ratings',
        },
        { name: 'payments', description: "Fees: a payer's payments and payment providers' signed notifications" },
        {
          name: 'credentials',
          description:
            'E-certificates: signed credentials (Ed25519 JWS, W3C VC 2.0), key sets and revocation lists, verification, the citizen’s wallet',
        },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    uiConfig: { docExpansion: 'list', deepLinking: true },
    theme: {
      title: 'OneCity API',
      css: [{ filename: 'onecity.css', content: '.swagger-ui .topbar { display: none }' }],
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(metricsPlugin);
  // Before anything else works on a request: the excess of a flood is refused at once.
  await app.register(overloadProtection, {
    maxInFlight: config.http.maxInFlight,
    maxEventLoopDelayMs: config.http.maxEventLoopDelayMs,
  });
  await app.register(idempotencyPlugin);
  await app.register(authPlugin);
  await app.register(healthRoutes);
  await registerApi(app);
  // The OpenID Provider lives at /oidc, outside /api/v1: its URLs are published in discovery.
  await app.register(oidcProvider);
  return app;
}

/** Platform APIs and domain modules, each an encapsulated plugin under /api/v1. */
async function registerApi(app: FastifyInstance) {
  await app.register(
    async (api) => {
      // Platform capabilities and domain modules register here.
      await api.register(tenancyRoutes);
      await api.register(geoRoutes);
      await api.register(orgRoutes);
      await api.register(identityRoutes);
      await api.register(fileRoutes);
      await api.register(governanceRoutes);
      await api.register(governmentRoutes);
    },
    { prefix: '/api/v1' },
  );
  // Open311 GeoReport v2 keeps the standard's own paths, under its own base URL.
  await app.register(open311Routes, { prefix: '/api/open311/v2' });
  await app.register(paymentRoutes); // under /api/v1, and the development checkout pages at /dev-pay
  await app.register(credentialRoutes); // under /api/v1, and the verification page at /verify/:id
}
