/**
 * The only reader of `process.env`. Every setting is parsed and validated once, at boot;
 * an invalid configuration is reported as the full list of problems, never one at a time.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';

/** Where the server runs: development shows the dev mailbox and friendly logs, production never does. */
export const Environments = ['development', 'test', 'production'] as const;
/** Process roles: `api` serves HTTP, `worker` relays events and runs jobs, `all` does both. */
export const Roles = ['all', 'api', 'worker'] as const;
/** The languages OneCity speaks from its first screen. */
export const Locales = ['zh-CN', 'en'] as const;
/** One of {@link Locales}. */
export type Locale = (typeof Locales)[number];
/** Payment providers OneCity knows; a real one (UnionPay, WeChat Pay, Alipay) is added here with its settings. */
export const PaymentProviderNames = ['development'] as const;
/** One of {@link PaymentProviderNames}. */
export type PaymentProviderName = (typeof PaymentProviderNames)[number];

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'], { error: 'must be one of 1, 0, true, false, yes, no' })
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'must be an IANA time zone such as Asia/Shanghai' },
);

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/.+/.test(v), { error: 'must be a postgres:// or postgresql:// URL' });

const natsUrl = z.string().refine((v) => /^(nats|tls):\/\/[^\s]+$/.test(v) || /^[\w.-]+:\d+$/.test(v), {
  error: 'must be a nats:// URL such as nats://127.0.0.1:4222',
});

/** A 32-byte key, base64. */
const secret = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, { error: 'must be 32 random bytes, base64-encoded' });

/** Key ring `id:base64,id:base64`: the first key encrypts, all of them decrypt (rotation). */
const keyRing = z.string().refine(
  (v) =>
    v.split(',').every((entry) => {
      const [id, key] = entry.split(':');
      return !!id && /^[A-Za-z0-9_-]{1,16}$/.test(id) && !!key && Buffer.from(key, 'base64').length === 32;
    }),
  { error: 'must be a comma-separated list of id:key with 32-byte base64 keys, e.g. k2:…,k1:…' },
);

/** A comma-separated list of payment providers, or `none`. */
const paymentProviders = z
  .string()
  .refine(
    (v) =>
      v === 'none' || v.split(',').every((name) => (PaymentProviderNames as readonly string[]).includes(name.trim())),
    { error: `must be none or a comma-separated list of: ${PaymentProviderNames.join(', ')}` },
  );

/** Environment variables OneCity reads, with their defaults. The README's table mirrors this. */
const EnvSchema = z.object({
  ONECITY_ENV: z.enum(Environments).default('development'),
  ONECITY_HOST: z.string().min(1).default('localhost'),
  ONECITY_PORT: int(0, 65535).default(3000),
  ONECITY_PUBLIC_URL: z.url({ error: 'must be an absolute http(s) URL' }).optional(),
  ONECITY_DATABASE_URL: postgresUrl.optional(),
  ONECITY_DATABASE_POOL_SIZE: int(1, 500).default(10),
  ONECITY_DATA_DIR: z.string().min(1).default('./data'),
  ONECITY_NATS_URL: natsUrl.optional(),
  ONECITY_ROLE: z.enum(Roles).default('all'),
  ONECITY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ONECITY_DEFAULT_LOCALE: z.enum(Locales).default('zh-CN'),
  ONECITY_TIME_ZONE: timeZone.default('Asia/Shanghai'),
  ONECITY_MAP_TILES: z
    .string()
    .refine((v) => ['{z}', '{x}', '{y}'].every((p) => v.includes(p)) && URL.canParse(v.replace(/\{[zxy]\}/g, '0')), {
      error: 'must be a URL template of raster tiles with {z}, {x} and {y}',
    })
    .refine((v) => v.startsWith('https://'), { error: 'must be an https URL (pages are served over https)' })
    .optional(),
  ONECITY_MAP_ATTRIBUTION: z.string().trim().min(1).max(200).optional(),
  ONECITY_BODY_LIMIT_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  ONECITY_UPLOAD_MAX_BYTES: int(1024, 100 * 1024 * 1024).default(10 * 1024 * 1024),
  ONECITY_UPLOAD_MAX_MEGAPIXELS: int(1, 1000).default(40),
  ONECITY_DUPLICATE_RADIUS_METERS: int(0, 5_000).default(50),
  ONECITY_DUPLICATE_WINDOW_HOURS: int(0, 24 * 90).default(72),
  ONECITY_SHUTDOWN_TIMEOUT_MS: int(100, 600_000).default(10_000),
  ONECITY_MAX_IN_FLIGHT: int(0, 100_000).default(256),
  ONECITY_MAX_EVENT_LOOP_DELAY_MS: int(0, 60_000).default(500),
  ONECITY_TRUST_PROXY: bool.default(false),
  ONECITY_SEED_DEMO: bool.default(false),
  ONECITY_RELAY_INTERVAL_MS: int(10, 60_000).default(200),
  ONECITY_JOBS_INTERVAL_MS: int(10, 60_000).default(500),
  ONECITY_PII_KEYS: keyRing.optional(),
  ONECITY_BLIND_INDEX_KEY: secret.optional(),
  ONECITY_AUDIT_KEY: secret.optional(),
  ONECITY_CITIZEN_SESSION_IDLE_MINUTES: int(5, 525_600).default(7 * 24 * 60),
  ONECITY_CITIZEN_SESSION_MAX_MINUTES: int(5, 525_600).default(30 * 24 * 60),
  ONECITY_STAFF_SESSION_IDLE_MINUTES: int(1, 1_440).default(30),
  ONECITY_STAFF_SESSION_MAX_MINUTES: int(5, 10_080).default(12 * 60),
  ONECITY_WEBAUTHN_RP_ID: z.string().min(1).optional(),
  ONECITY_PAYMENT_PROVIDERS: paymentProviders.optional(),
  ONECITY_PAYMENT_EXPIRY_MINUTES: int(1, 24 * 60).default(30),
});

/** The validated configuration object handed to `buildApp` and everything below it. */
export interface Config {
  env: (typeof Environments)[number];
  role: (typeof Roles)[number];
  http: {
    host: string;
    port: number;
    publicUrl: string;
    bodyLimit: number;
    trustProxy: boolean;
    shutdownTimeoutMs: number;
    /** Requests one process works on at once; more are refused with 503 at once (0: no limit). */
    maxInFlight: number;
    /** Event-loop delay beyond which new requests are refused with 503 until it recovers (0: not checked). */
    maxEventLoopDelayMs: number;
  };
  database: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string; poolSize: number };
  /** Where local state lives: the embedded database, its lock, files. */
  dataDir: string;
  nats: { url: string } | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  defaultLocale: Locale;
  timeZone: string;
  /** The web app's maps: raster tiles under the city's zones (none: zones over a plain background, fully offline). */
  map: { tiles: string | null; attribution: string | null };
  seedDemo: boolean;
  relayIntervalMs: number;
  jobsIntervalMs: number;
  /** Uploaded images: largest file in bytes, and most pixels (an image bomb is refused before decoding). */
  uploads: { maxBytes: number; maxPixels: number };
  /** A report of the same category this close to an open work order, this recently, is linked to it as a duplicate. */
  duplicates: { radiusMeters: number; windowHours: number };
  secrets: {
    /** Encryption keys for personal data, newest first; the first encrypts. */
    piiKeys: { id: string; key: Buffer }[];
    blindIndexKey: Buffer;
    auditKey: Buffer;
    /** True when the keys are the built-in development keys (never allowed in production). */
    development: boolean;
  };
  sessions: {
    citizen: { idleMs: number; maxMs: number };
    staff: { idleMs: number; maxMs: number };
  };
  webauthn: { rpId: string; rpName: string; origin: string };
  /**
   * Payments: the providers in use (the first takes new payments unless a caller names another;
   * empty: fees cannot be paid) and how long an unpaid payment stays open.
   */
  payments: { providers: PaymentProviderName[]; expiryMs: number };
}

/** Thrown by {@link loadConfig}; `problems` lists every invalid variable with the reason. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Parses the environment (by default `process.env`) into a {@link Config}, or throws {@link ConfigError}.
 * `overrides` (command-line flags) win over the environment; undefined ones are ignored.
 */
export function loadConfig(
  source: Record<string, string | undefined> = process.env,
  overrides: Record<string, string | undefined> = {},
): Config {
  const relevant: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...source, ...definedOnly(overrides) })) {
    if (key.startsWith('ONECITY_') && value !== undefined && value !== '') relevant[key] = value;
  }
  const parsed = EnvSchema.safeParse(relevant);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const shown = key in relevant && !/URL$/.test(key) ? ` (got "${relevant[key]}")` : '';
      return `${key}: ${issue.message}${shown}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const missingSecrets = (['ONECITY_PII_KEYS', 'ONECITY_BLIND_INDEX_KEY', 'ONECITY_AUDIT_KEY'] as const).filter(
    (k) => !e[k],
  );
  if (e.ONECITY_ENV === 'production' && missingSecrets.length) {
    throw new ConfigError(
      missingSecrets.map((k) => `${k}: required in production (32 random bytes, base64: openssl rand -base64 32)`),
    );
  }
  // The development payment provider pretends to take money: never in front of real citizens.
  const providers = paymentProviderList(e.ONECITY_PAYMENT_PROVIDERS, e.ONECITY_ENV);
  if (e.ONECITY_ENV === 'production' && providers.includes('development')) {
    throw new ConfigError([
      'ONECITY_PAYMENT_PROVIDERS: the development provider cannot run in production (it takes no real money)',
    ]);
  }
  const dataDir = resolve(e.ONECITY_DATA_DIR);
  const shownHost = e.ONECITY_HOST === '0.0.0.0' || e.ONECITY_HOST === '::' ? 'localhost' : e.ONECITY_HOST;
  const publicUrl = (e.ONECITY_PUBLIC_URL ?? `http://${shownHost}:${e.ONECITY_PORT}`).replace(/\/$/, '');
  return {
    env: e.ONECITY_ENV,
    role: e.ONECITY_ROLE,
    http: {
      host: e.ONECITY_HOST,
      port: e.ONECITY_PORT,
      publicUrl,
      bodyLimit: e.ONECITY_BODY_LIMIT_BYTES,
      trustProxy: e.ONECITY_TRUST_PROXY,
      shutdownTimeoutMs: e.ONECITY_SHUTDOWN_TIMEOUT_MS,
      maxInFlight: e.ONECITY_MAX_IN_FLIGHT,
      maxEventLoopDelayMs: e.ONECITY_MAX_EVENT_LOOP_DELAY_MS,
    },
    database: e.ONECITY_DATABASE_URL
      ? { kind: 'postgres', url: e.ONECITY_DATABASE_URL, poolSize: e.ONECITY_DATABASE_POOL_SIZE }
      : { kind: 'pglite', dataDir: resolve(dataDir, 'pglite') },
    dataDir,
    nats: e.ONECITY_NATS_URL ? { url: e.ONECITY_NATS_URL } : null,
    logLevel: e.ONECITY_LOG_LEVEL,
    defaultLocale: e.ONECITY_DEFAULT_LOCALE,
    timeZone: e.ONECITY_TIME_ZONE,
    map: { tiles: e.ONECITY_MAP_TILES ?? null, attribution: e.ONECITY_MAP_ATTRIBUTION ?? null },
    seedDemo: e.ONECITY_SEED_DEMO,
    relayIntervalMs: e.ONECITY_RELAY_INTERVAL_MS,
    jobsIntervalMs: e.ONECITY_JOBS_INTERVAL_MS,
    duplicates: { radiusMeters: e.ONECITY_DUPLICATE_RADIUS_METERS, windowHours: e.ONECITY_DUPLICATE_WINDOW_HOURS },
    uploads: { maxBytes: e.ONECITY_UPLOAD_MAX_BYTES, maxPixels: e.ONECITY_UPLOAD_MAX_MEGAPIXELS * 1_000_000 },
    secrets: {
      piiKeys: e.ONECITY_PII_KEYS
        ? e.ONECITY_PII_KEYS.split(',').map((entry) => {
            const [id = '', key = ''] = entry.split(':');
            return { id, key: Buffer.from(key, 'base64') };
          })
        : [{ id: 'dev', key: devKey('pii') }],
      blindIndexKey: e.ONECITY_BLIND_INDEX_KEY ? Buffer.from(e.ONECITY_BLIND_INDEX_KEY, 'base64') : devKey('bidx'),
      auditKey: e.ONECITY_AUDIT_KEY ? Buffer.from(e.ONECITY_AUDIT_KEY, 'base64') : devKey('audit'),
      development: missingSecrets.length > 0,
    },
    sessions: {
      citizen: {
        idleMs: e.ONECITY_CITIZEN_SESSION_IDLE_MINUTES * 60_000,
        maxMs: e.ONECITY_CITIZEN_SESSION_MAX_MINUTES * 60_000,
      },
      staff: {
        idleMs: e.ONECITY_STAFF_SESSION_IDLE_MINUTES * 60_000,
        maxMs: e.ONECITY_STAFF_SESSION_MAX_MINUTES * 60_000,
      },
    },
    webauthn: {
      rpId: e.ONECITY_WEBAUTHN_RP_ID ?? new URL(publicUrl).hostname,
      rpName: 'OneCity',
      origin: new URL(publicUrl).origin,
    },
    payments: { providers, expiryMs: e.ONECITY_PAYMENT_EXPIRY_MINUTES * 60_000 },
  };
}

/** The payment providers named by the setting; unset: the development provider outside production, none in it. */
function paymentProviderList(value: string | undefined, env: Config['env']): PaymentProviderName[] {
  if (value === undefined) return env === 'production' ? [] : ['development'];
  if (value === 'none') return [];
  return [...new Set(value.split(',').map((name) => name.trim() as PaymentProviderName))];
}

/** Fixed keys for development and tests only: loadConfig refuses them in production. */
function devKey(purpose: string): Buffer {
  return createHash('sha256').update(`onecity-development-only:${purpose}`).digest();
}

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = v;
  return out;
}

/** Settings the test suite reads: where the real services are and whether a missing one is a failure. */
export function loadTestServices(source: Record<string, string | undefined> = process.env) {
  return {
    requireServices: source.ONECITY_REQUIRE_SERVICES === '1' || source.ONECITY_REQUIRE_SERVICES === 'true',
    postgresUrl: source.ONECITY_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    natsUrl: source.ONECITY_TEST_NATS_URL || 'nats://127.0.0.1:4222',
  };
}
