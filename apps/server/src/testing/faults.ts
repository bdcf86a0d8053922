/**
 * Fault scenarios on a real deployment ({@link Cluster}): citizens report problems (with
 * photos) and apply for a service, a clerk accepts work orders, all through a retrying client
 * with idempotency keys — while processes are killed, PostgreSQL restarts, NATS stops, or
 * every worker is down when a timer falls due. Each scenario ends by reconciling what the
 * clients were told (acknowledged writes) with what the database holds, what reached the event
 * stream, and what was done as a consequence (notifications, messages, timer actions). The test
 * suite runs them briefly, `bench/faults.ts` longer and under more load.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type Kysely, sql } from 'kysely';
import sharp from 'sharp';
import { sampleApplication } from '../../../../demo/services.ts';
import type { Database } from '../platform/db/schema.ts';
import { defaultNatsSettings } from '../platform/events/index.ts';
import { sessionCookieName } from '../platform/identity/sessions.ts';
import { systemClock } from '../platform/time/clock.ts';
import type { Cluster } from './cluster.ts';
import { signedInStaff } from './identity.ts';
import { type Answer, ClientStats, GaveUpError, RetryingClient, type RetryOptions } from './retrying-client.ts';

const CITY = 'lingnan';
const CITY_PATH = `/api/v1/cities/${CITY}`;
/** Accept warning, breach, operations, then the same for "resolve within": the first stage is the accept warning. */
const SLA_JOB = 'governance.sla';
/** A service any citizen may apply for online with answers only (no fee, no required material). */
const SERVICE = 'fire-hazard-report';
const WITNESS = 'faults_witness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<number> {
  const began = Date.now();
  for (;;) {
    try {
      if (await check()) return Date.now() - began;
    } catch {
      // The database may be restarting: ask again.
    }
    if (Date.now() - began > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Runs a query of the test's own, retrying while the database is unavailable. */
async function query<T>(db: Kysely<Database>, run: (db: Kysely<Database>) => Promise<T>, timeoutMs = 60_000) {
  const began = Date.now();
  for (;;) {
    try {
      return await run(db);
    } catch (error) {
      if (Date.now() - began > timeoutMs) throw error;
      await sleep(200);
    }
  }
}

/**
 * A durable consumer of the cluster's event stream in the test process: it sees every event the
 * relays published (JetStream keeps each event id once, so a republish does not show twice in
 * the stream) and counts how often each reached it (at-least-once delivery).
 */
export class StreamWitness {
  /** Deliveries per event id. */
  readonly seen = new Map<string, number>();
  readonly #nc: NatsConnection;
  readonly #messages: ConsumerMessages;
  readonly #loop: Promise<void>;

  private constructor(nc: NatsConnection, messages: ConsumerMessages) {
    this.#nc = nc;
    this.#messages = messages;
    this.#loop = this.#consume();
  }

  /** Subscribes from the start of the stream the OneCity processes created. */
  static async start(url: string): Promise<StreamWitness> {
    const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    const jsm = await jetstreamManager(nc);
    const stream = defaultNatsSettings.stream;
    await jsm.consumers.add(stream, {
      durable_name: WITNESS,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: 5_000_000_000,
      filter_subject: `${defaultNatsSettings.subjectPrefix}.>`,
    });
    const consumer = await jetstream(nc).consumers.get(stream, WITNESS);
    return new StreamWitness(nc, await consumer.consume({ max_messages: 256, idle_heartbeat: 1_000 }));
  }

  async #consume() {
    for await (const msg of this.#messages) this.#take(msg);
  }

  #take(msg: JsMsg) {
    try {
      const { id } = msg.json<{ id: string }>();
      this.seen.set(id, (this.seen.get(id) ?? 0) + 1);
    } finally {
      msg.ack();
    }
  }

  /**
   * Messages not yet delivered or not yet acknowledged, per durable consumer of the OneCity
   * processes (the witness aside): 0 everywhere once every consumer has taken every event.
   */
  async consumerBacklog(): Promise<Record<string, number>> {
    const jsm = await jetstreamManager(this.#nc);
    const out: Record<string, number> = {};
    for await (const info of jsm.consumers.list(defaultNatsSettings.stream)) {
      if (info.name !== WITNESS) out[info.name] = info.num_pending + info.num_ack_pending;
    }
    return out;
  }

  /** Messages the stream holds (each event id once, thanks to JetStream's de-duplication). */
  async streamMessages(): Promise<number> {
    const jsm = await jetstreamManager(this.#nc);
    return (await jsm.streams.info(defaultNatsSettings.stream)).state.messages;
  }

  async stop(): Promise<void> {
    await this.#messages.close().catch(() => {});
    await this.#loop.catch(() => {});
    await this.#nc.close().catch(() => {});
  }
}

/** A signed-in citizen and the client that speaks for them. */
interface Citizen {
  id: string;
  phone: string;
  /** What the citizen's app sends with every request (session cookie, CSRF token, address). */
  headers: Record<string, string>;
  client: RetryingClient;
}

/** One logical write as the client saw it. */
export interface Write {
  kind: 'report' | 'application' | 'accept';
  /** Unique text carried in the write (report description, application answer) to find it again. */
  marker: string;
  citizenId: string | null;
  startedAt: number;
  /** When the final success answer came; null: never acknowledged. */
  ackedAt: number | null;
  trackingNo?: string;
  applicationId?: string;
  workOrderId?: string;
  /** Tries over all the requests of this write. */
  tries: number;
  /** The server carried the write out but its answer was lost with a process: the client looked the result up. */
  answerLost?: boolean;
  error?: string;
}

/** The writes of one scenario. */
export class Ledger {
  readonly run = randomBytes(4).toString('hex');
  /** Writes of earlier ledgers were all over by then (same clock as the servers': one machine). */
  readonly since = new Date();
  readonly writes: Write[] = [];
  /** Markers of writes the server refused for good (no retry): none of them may be stored. */
  readonly refused: string[] = [];
  #n = 0;

  marker(): string {
    this.#n += 1;
    return `⟦${this.run}-${this.#n}⟧`;
  }

  acked(kind?: Write['kind']): Write[] {
    return this.writes.filter((w) => w.ackedAt !== null && (!kind || w.kind === kind));
  }
}

/** Mix and size of the load. */
export interface WorkloadOptions {
  citizens: number;
  /** Writes in flight at once. */
  concurrency: number;
  /** Relative weights of the kinds of writes. */
  mix?: { report: number; application: number; accept: number };
  /** Share of reports that carry a photo (uploaded first, a write of its own). */
  photoShare?: number;
  retry?: Partial<RetryOptions>;
}

/** A running load; `stop` lets the writes in flight finish. */
export interface RunningLoad {
  stop(): Promise<void>;
}

/**
 * Citizens and a clerk sending writes through a {@link RetryingClient} spread over the
 * cluster's API processes. Per-account and per-address limits apply as in production: each
 * citizen has an address of their own (X-Forwarded-For behind the trusted load balancer).
 */
export class Workload {
  readonly stats = new ClientStats();
  readonly #cluster: Cluster;
  readonly #options: Required<Omit<WorkloadOptions, 'retry'>> & { retry: Partial<RetryOptions> };
  #citizens: Citizen[] = [];
  /** A clerk per department, signed in when first needed. */
  readonly #clerks = new Map<string, Promise<RetryingClient>>();
  #points: Array<{ lat: number; lon: number }> = [];
  #photo: Buffer = Buffer.alloc(0);
  #form: unknown = null;
  #next = 0;
  #pointNext = 0;
  /** Acknowledged reports waiting for the clerk to accept them. */
  #toAccept: Write[] = [];

  constructor(cluster: Cluster, options: WorkloadOptions) {
    this.#cluster = cluster;
    this.#options = {
      mix: { report: 6, application: 3, accept: 2 },
      photoShare: 0.3,
      retry: {},
      ...options,
    };
  }

  #client(headers: Record<string, string> = {}): RetryingClient {
    return new RetryingClient(() => this.#cluster.apiUrls, { headers, stats: this.stats, retry: this.#options.retry });
  }

  /** Signs the citizens in by one-time code (read from the development mailbox) and the clerk in. */
  async prepare(): Promise<void> {
    const db = (await this.#cluster.db()).db;
    const grids = await sql<{ lat: number; lon: number }>`
      SELECT center_lat AS lat, center_lon AS lon FROM zones
      WHERE city_id = ${CITY} AND level = 'grid' ORDER BY code`.execute(db);
    // Points ~100 m apart around each grid's centre: no two reports are about the same place.
    for (let k = 0; k < 25; k++) {
      for (const g of grids.rows) {
        this.#points.push({ lat: g.lat + ((k % 5) - 2) * 0.0009, lon: g.lon + (Math.floor(k / 5) - 2) * 0.0009 });
      }
    }
    this.#photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#8a6' } })
      .jpeg()
      .toBuffer();
    const spec = await this.#client().send<{ spec: { form: unknown } }>({
      method: 'GET',
      path: `${CITY_PATH}/services/${SERVICE}`,
    });
    this.#form = spec.body.spec.form;
    const wanted = Math.max(this.#options.citizens, this.#options.concurrency);
    while (this.#citizens.length < wanted) {
      const from = this.#citizens.length;
      const batch = Array.from({ length: Math.min(8, wanted - from) }, (_, i) => this.#signIn(from + i));
      this.#citizens.push(...(await Promise.all(batch)));
    }
  }

  /** The clerk of department `code` (whole city), signed in directly in the database. */
  #clerk(code: string): Promise<RetryingClient> {
    let clerk = this.#clerks.get(code);
    if (!clerk) {
      clerk = (async () => {
        const db = (await this.#cluster.db()).db;
        const staff = await query(db, (d) =>
          signedInStaff(d, this.#cluster.config, systemClock, { cityId: CITY, departmentCode: code, roles: ['clerk'] }),
        );
        return this.#client({ ...staff.write, 'x-forwarded-for': `10.250.0.${this.#clerks.size}` });
      })();
      this.#clerks.set(code, clerk);
    }
    return clerk;
  }

  async #signIn(i: number): Promise<Citizen> {
    const run = randomBytes(2).readUInt16BE() % 10_000;
    const phone = `137${String(run).padStart(4, '0')}${String(i).padStart(4, '0')}`;
    const ip = `10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    const anonymous = this.#client({ 'x-forwarded-for': ip });
    const requested = await anonymous.send({
      method: 'POST',
      path: '/api/v1/auth/otp',
      body: { channel: 'sms', destination: phone, purpose: 'sign_in' },
    });
    if (requested.status !== 202)
      throw new Error(`code request: ${requested.status} ${JSON.stringify(requested.body)}`);
    const mailbox = await anonymous.send<{ items: { body: string }[] }>({
      method: 'GET',
      path: `/api/v1/dev/mailbox?destination=${phone}`,
    });
    const code = mailbox.body.items[0]?.body.match(/\b(\d{6})\b/)?.[1];
    if (!code) throw new Error(`no code for ${phone}`);
    const verified = await anonymous.send<{ citizen: { id: string }; csrfToken: string }>({
      method: 'POST',
      path: '/api/v1/auth/otp/verify',
      body: { channel: 'sms', destination: phone, code },
    });
    if (verified.status !== 200) throw new Error(`sign-in: ${verified.status} ${JSON.stringify(verified.body)}`);
    const name = sessionCookieName(this.#cluster.config);
    const token = verified.headers
      .getSetCookie()
      .map((c) => c.split(';')[0] ?? '')
      .find((c) => c.startsWith(`${name}=`) && c.length > name.length + 1);
    if (!token) throw new Error('no session cookie');
    const headers = { 'x-forwarded-for': ip, cookie: token, 'x-csrf-token': verified.body.csrfToken };
    return { id: verified.body.citizen.id, phone, headers, client: this.#client(headers) };
  }

  /**
   * Starts `concurrency` loops of writes recorded in `ledger`. Each loop has citizens of its
   * own, so that a citizen has one write in flight at a time, as a person with one phone does.
   */
  start(ledger: Ledger): RunningLoad {
    let stopping = false;
    const loops = Array.from({ length: this.#options.concurrency }, async (_, i) => {
      const mine = this.#citizens.filter((_, n) => n % this.#options.concurrency === i);
      for (let n = 0; !stopping; n++) await this.write(ledger, this.#pick(), mine[n % mine.length]);
    });
    return {
      async stop() {
        stopping = true;
        await Promise.all(loops);
      },
    };
  }

  #pick(): Write['kind'] {
    const { report, application, accept } = this.#options.mix;
    const canAccept = this.#toAccept.length > 0 ? accept : 0;
    const r = Math.random() * (report + application + canAccept);
    if (r < report) return 'report';
    if (r < report + application) return 'application';
    return 'accept';
  }

  /**
   * One try of a report at each API process, without retrying: what a client hears at that
   * moment. A report that goes through anyway is recorded in `ledger`.
   */
  async probe(ledger: Ledger): Promise<Array<{ status: number | string; retryAfter: string | null; code?: string }>> {
    const citizen = this.#citizens[0];
    if (!citizen) throw new Error('prepare() first');
    return Promise.all(
      this.#cluster.apiUrls.map(async (url) => {
        const write: Write = {
          kind: 'report',
          marker: ledger.marker(),
          citizenId: citizen.id,
          startedAt: Date.now(),
          ackedAt: null,
          tries: 1,
        };
        ledger.writes.push(write);
        try {
          const res = await fetch(`${url}${CITY_PATH}/reports`, {
            method: 'POST',
            headers: { ...citizen.headers, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
            body: JSON.stringify({
              categoryCode: 'manhole-cover-missing',
              description: `井盖缺失 ${write.marker}`,
              attributes: { anyone_hurt: false },
              ...this.#points[this.#pointNext++ % this.#points.length],
            }),
            signal: AbortSignal.timeout(15_000),
          });
          const body = (await res.json()) as { code?: string; trackingNo?: string };
          if (res.status === 201 && body.trackingNo) {
            write.trackingNo = body.trackingNo;
            write.ackedAt = Date.now();
          } else {
            // Refused, as the database is down: it was never accepted and must not be stored.
            ledger.refused.push(write.marker);
          }
          return {
            status: res.status,
            retryAfter: res.headers.get('retry-after'),
            ...(body.code ? { code: body.code } : {}),
          };
        } catch (error) {
          ledger.refused.push(write.marker);
          return { status: (error as Error).name === 'TimeoutError' ? 'timeout' : 'network', retryAfter: null };
        }
      }),
    );
  }

  /** One write of `kind` (by `by`, or the next citizen), recorded in `ledger` (errors are recorded, not thrown). */
  async write(ledger: Ledger, wanted: Write['kind'], by?: Citizen): Promise<Write> {
    const report = wanted === 'accept' ? this.#toAccept.shift() : undefined;
    const kind = wanted === 'accept' && !report ? 'report' : wanted;
    const citizen = by ?? this.#citizens[this.#next++ % this.#citizens.length];
    if (!citizen) throw new Error('prepare() first');
    const write: Write = {
      kind,
      marker: ledger.marker(),
      citizenId: kind === 'accept' ? null : citizen.id,
      startedAt: Date.now(),
      ackedAt: null,
      tries: 0,
    };
    ledger.writes.push(write);
    const count = <T>(answer: Answer<T>) => {
      write.tries += answer.attempts.length;
      return answer;
    };
    try {
      if (kind === 'report') await this.#report(citizen, write, count);
      else if (kind === 'application') await this.#application(citizen, write, count);
      else if (report) await this.#accept(report, write, count);
    } catch (error) {
      if (error instanceof GaveUpError) write.tries += error.attempts.length;
      write.error = (error as Error).message;
    }
    return write;
  }

  async #report(citizen: Citizen, write: Write, count: <T>(a: Answer<T>) => Answer<T>) {
    const photoIds: string[] = [];
    if (Math.random() < this.#options.photoShare) {
      const upload = count(
        await citizen.client.send<{ id: string }>({
          method: 'POST',
          path: `${CITY_PATH}/uploads`,
          body: this.#photo,
          contentType: 'image/jpeg',
        }),
      );
      expectStatus(upload, 201, 'upload');
      photoIds.push(upload.body.id);
    }
    const point = this.#points[this.#pointNext++ % this.#points.length];
    const answer = count(
      await citizen.client.send<{ trackingNo: string }>({
        method: 'POST',
        path: `${CITY_PATH}/reports`,
        body: {
          categoryCode: 'manhole-cover-missing',
          description: `井盖缺失，请尽快处理 ${write.marker}`,
          attributes: { anyone_hurt: false },
          ...point,
          ...(photoIds.length ? { photoIds } : {}),
        },
      }),
    );
    if (answerLost(answer)) {
      // Carried out, answer lost with its process: find it among my reports, as the app would.
      write.answerLost = true;
      const mine = count(
        await citizen.client.send<{ items: { trackingNo: string; description: string }[] }>({
          method: 'GET',
          path: '/api/v1/me/reports?pageSize=100',
        }),
      );
      const found = mine.body.items.find((r) => r.description.includes(write.marker));
      if (!found) throw new Error(`report ${write.marker}: answer lost and not among my reports`);
      write.trackingNo = found.trackingNo;
    } else {
      expectStatus(answer, 201, 'report');
      write.trackingNo = answer.body.trackingNo;
    }
    write.ackedAt = Date.now();
    this.#toAccept.push(write);
  }

  async #application(citizen: Citizen, write: Write, count: <T>(a: Answer<T>) => Answer<T>) {
    const created = count(
      await citizen.client.send<{ id: string; answers: Record<string, unknown> }>({
        method: 'POST',
        path: `${CITY_PATH}/services/${SERVICE}/applications`,
      }),
    );
    if (answerLost(created)) {
      // The draft exists but its id was lost: it is my newest draft of the service.
      write.answerLost = true;
      const mine = count(
        await citizen.client.send<{ items: { id: string; serviceCode: string; status: string; createdAt: string }[] }>({
          method: 'GET',
          path: '/api/v1/me/applications?pageSize=50',
        }),
      );
      const draft = mine.body.items.find(
        (a) => a.serviceCode === SERVICE && a.status === 'draft' && Date.parse(a.createdAt) >= write.startedAt - 5_000,
      );
      if (!draft) throw new Error(`application ${write.marker}: answer lost and no draft found`);
      write.applicationId = draft.id;
    } else {
      expectStatus(created, 201, 'draft');
      write.applicationId = created.body.id;
    }
    const id = write.applicationId;
    const answers = {
      ...sampleApplication(this.#form as Parameters<typeof sampleApplication>[0]),
      ...(answerLost(created) ? {} : created.body.answers),
      location: '岭南路 8 号',
      description: `消防通道被堵 ${write.marker}`,
    };
    const saved = count(
      await citizen.client.send({
        method: 'PUT',
        path: `/api/v1/me/applications/${id}/answers`,
        body: { answers },
      }),
    );
    expectStatus(saved, 200, 'answers');
    const submitted = count(
      await citizen.client.send<{ trackingNo: string }>({
        method: 'POST',
        path: `/api/v1/me/applications/${id}/submit`,
      }),
    );
    if (answerLost(submitted)) {
      write.answerLost = true;
      const view = count(
        await citizen.client.send<{ trackingNo: string | null }>({
          method: 'GET',
          path: `/api/v1/me/applications/${id}`,
        }),
      );
      if (!view.body.trackingNo) throw new Error(`application ${write.marker}: answer lost and not submitted`);
      write.trackingNo = view.body.trackingNo;
    } else {
      expectStatus(submitted, 200, 'submit');
      write.trackingNo = submitted.body.trackingNo;
    }
    write.ackedAt = Date.now();
  }

  async #accept(report: Write, write: Write, count: <T>(a: Answer<T>) => Answer<T>) {
    if (!report.trackingNo) throw new Error('nothing to accept');
    write.trackingNo = report.trackingNo;
    const db = (await this.#cluster.db()).db;
    const row = await query(db, (d) =>
      sql<{ work_order_id: string; department: string }>`
        SELECT r.work_order_id, d.code AS department FROM reports r
        JOIN work_orders w ON w.id = r.work_order_id JOIN departments d ON d.id = w.department_id
        WHERE r.tracking_no = ${report.trackingNo}`
        .execute(d)
        .then((r) => r.rows[0]),
    );
    if (!row) throw new Error(`report ${report.trackingNo} not found`);
    write.workOrderId = row.work_order_id;
    const clerk = await this.#clerk(row.department);
    const answer = count(
      await clerk.send({
        method: 'POST',
        path: `${CITY_PATH}/work-orders/${row.work_order_id}/actions`,
        body: { action: 'accept' },
      }),
    );
    if (answerLost(answer)) write.answerLost = true;
    else expectStatus(answer, 200, 'accept');
    write.ackedAt = Date.now();
  }
}

/** The server's "carried out, but the answer was lost" (409 IDEMPOTENCY_KEY_ANSWER_LOST). */
function answerLost(answer: Answer): boolean {
  return answer.status === 409 && (answer.body as { code?: string } | null)?.code === 'IDEMPOTENCY_KEY_ANSWER_LOST';
}

function expectStatus(answer: Answer, status: number, what: string) {
  if (answer.status !== status) {
    throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
  }
}

/** What one scenario measured; every "lost", "duplicate" and "twice" figure must be 0. */
export interface Figures {
  scenario: string;
  seconds: number;
  writes: number;
  acknowledged: { reports: number; applications: number; accepts: number };
  /** Writes that never got a success answer (the client gave up or was refused). */
  unacknowledged: number;
  /** Writes carried out whose answer was lost with a process (409 IDEMPOTENCY_KEY_ANSWER_LOST; looked up). */
  answersLost: number;
  errors: string[];
  /** Acknowledged writes found in the database as acknowledged. */
  stored: number;
  lost: number;
  /** Writes stored more than once (reports, application drafts, accept actions). */
  duplicates: number;
  events: {
    /** Events the acknowledged writes recorded (one per report, submission, acceptance; the timer's warnings). */
    expected: number;
    /** Of those, published by the relays. */
    published: number;
    /** Of those, seen by the stream witness. */
    delivered: number;
    lost: number;
    /** Events of one write recorded more than once. */
    duplicates: number;
    /** Stream messages beyond one per event id. */
    streamDuplicates: number;
  };
  /** Notifications, SMS and timer actions that happened more than once for one cause. */
  effectsTwice: number;
  /** Messages sent by jobs (SMS to reporters on acceptance). */
  messages: number;
  client: {
    tries: Record<string, number>;
    codes: Record<string, number>;
    retries: number;
    slowestFailureMs: number;
  };
  /** Scenario-specific measurements (recovery times, outbox backlog …). */
  notes: Record<string, number | string | boolean>;
}

/** Waits until every outbox event is published and every due job ran; returns how long that took. */
export async function quiesce(cluster: Cluster, timeoutMs = 120_000): Promise<number> {
  const db = (await cluster.db()).db;
  return until(
    async () => {
      const { rows } = await sql<{ outbox: number; jobs: number }>`
        SELECT (SELECT count(*) FROM outbox_events WHERE published_at IS NULL)::int AS outbox,
               (SELECT count(*) FROM jobs WHERE status = 'pending' AND run_at <= now())::int AS jobs`.execute(db);
      return rows[0]?.outbox === 0 && rows[0]?.jobs === 0;
    },
    'the outbox to drain and due jobs to run',
    timeoutMs,
  );
}

/**
 * Compares what the clients were told with the database and the stream: every acknowledged
 * write stored once, its event recorded once, published and delivered, its consequences done once.
 */
export async function reconcile(
  cluster: Cluster,
  ledger: Ledger,
  witness: StreamWitness | null,
  stats: ClientStats,
  scenario: string,
  began: number,
  extra: { timerWorkOrders?: string[] } = {},
): Promise<Figures> {
  const drainMs = await quiesce(cluster);
  const db = (await cluster.db()).db;
  const like = `%⟦${ledger.run}-%`;
  const markerOf = (text: string) => text.match(/⟦[0-9a-f]+-\d+⟧/)?.[0] ?? '';

  const reports = (
    await sql<{ id: string; tracking_no: string; work_order_id: string; description: string }>`
      SELECT id, tracking_no, work_order_id, description FROM reports WHERE description LIKE ${like}`.execute(db)
  ).rows;
  const applications = (
    await sql<{ id: string; tracking_no: string | null; status: string; description: string | null }>`
      SELECT id, tracking_no, status, answers->>'description' AS description FROM applications
      WHERE answers->>'description' LIKE ${like}`.execute(db)
  ).rows;
  const acceptedOrders = ledger
    .acked('accept')
    .map((w) => w.workOrderId)
    .filter((id): id is string => !!id);
  const timerOrders = extra.timerWorkOrders ?? [];
  const workOrders = [...new Set([...reports.map((r) => r.work_order_id), ...acceptedOrders, ...timerOrders])];
  const actions = workOrders.length
    ? (
        await sql<{ work_order_id: string; action: string; n: number }>`
          SELECT work_order_id, action, count(*)::int AS n FROM work_order_actions
          WHERE work_order_id IN (${sql.join(workOrders)}) GROUP BY work_order_id, action`.execute(db)
      ).rows
    : [];
  const reportIds = reports.map((r) => r.id);
  const notifications = reportIds.length
    ? (
        await sql<{ report_id: string; kind: string; n: number }>`
          SELECT report_id, kind, count(*)::int AS n FROM notifications
          WHERE report_id IN (${sql.join(reportIds)}) GROUP BY report_id, kind`.execute(db)
      ).rows
    : [];
  const subjects = [...reportIds, ...applications.map((a) => a.id), ...workOrders];
  const events = subjects.length
    ? (
        await sql<{ id: string; type: string; subject: string; published: boolean }>`
          SELECT id, type, subject, published_at IS NOT NULL AS published FROM outbox_events
          WHERE subject IN (${sql.join(subjects)})`.execute(db)
      ).rows
    : [];
  const trackingNos = ledger
    .acked('accept')
    .map((w) => w.trackingNo)
    .filter((t): t is string => !!t);
  const sms = trackingNos.length
    ? (
        await sql<{ body: string }>`
          SELECT body FROM dev_mailbox WHERE channel = 'sms' AND body SIMILAR TO ${`%(${trackingNos.join('|')})%`}`.execute(
          db,
        )
      ).rows
    : [];

  const errors: string[] = [];
  let stored = 0;
  let lost = 0;
  let duplicates = 0;
  let effectsTwice = 0;
  const expectedEvents: Array<{ type: string; subject: string }> = [];

  // Reports: one row per marker; the acknowledged tracking number is that row's.
  const reportsByMarker = group(reports, (r) => markerOf(r.description));
  for (const rows of reportsByMarker.values()) if (rows.length > 1) duplicates += rows.length - 1;
  for (const marker of ledger.refused) {
    if (reportsByMarker.has(marker)) errors.push(`report ${marker} was refused, yet stored`);
  }
  for (const w of ledger.acked('report')) {
    const row = reportsByMarker.get(w.marker)?.[0];
    if (!row || row.tracking_no !== w.trackingNo) {
      lost += 1;
      errors.push(`report ${w.trackingNo} (${w.marker}) acknowledged but not stored`);
      continue;
    }
    stored += 1;
    expectedEvents.push({ type: 'governance.report.submitted', subject: row.id });
    const told = notifications.filter((n) => n.report_id === row.id && n.kind === 'submit');
    if (told.reduce((s, n) => s + n.n, 0) !== 1) {
      effectsTwice += 1;
      errors.push(`report ${w.trackingNo}: ${told[0]?.n ?? 0} submit notifications`);
    }
    const submits = actions.find((a) => a.work_order_id === row.work_order_id && a.action === 'submit')?.n ?? 0;
    if (submits !== 1) {
      effectsTwice += 1;
      errors.push(`report ${w.trackingNo}: ${submits} submit actions`);
    }
  }

  // Applications: one draft per marker (the marker is written after the draft exists: count per
  // acknowledged draft id instead), submitted with the acknowledged tracking number.
  const appsByMarker = group(applications, (a) => markerOf(a.description ?? ''));
  for (const rows of appsByMarker.values()) if (rows.length > 1) duplicates += rows.length - 1;
  const started = ledger.writes.filter((w) => w.kind === 'application' && w.citizenId);
  const citizens = [...new Set(started.map((w) => w.citizenId as string))];
  if (citizens.length) {
    const since = ledger.since;
    const drafts = (
      await sql<{ citizen_id: string; n: number }>`
        SELECT citizen_id, count(*)::int AS n FROM applications
        WHERE citizen_id IN (${sql.join(citizens)}) AND service_code = ${SERVICE} AND created_at >= ${since}
        GROUP BY citizen_id`.execute(db)
    ).rows;
    for (const d of drafts) {
      const mine = started.filter((w) => w.citizenId === d.citizen_id).length;
      if (d.n > mine) {
        duplicates += d.n - mine;
        errors.push(`citizen ${d.citizen_id}: ${d.n} applications for ${mine} started`);
      }
    }
  }
  for (const w of ledger.acked('application')) {
    const row = appsByMarker.get(w.marker)?.[0];
    if (!row || row.id !== w.applicationId || row.tracking_no !== w.trackingNo || row.status === 'draft') {
      lost += 1;
      errors.push(`application ${w.trackingNo} (${w.marker}) acknowledged but not stored as submitted`);
      continue;
    }
    stored += 1;
    expectedEvents.push({ type: 'onecity.government.application.submitted', subject: row.id });
  }

  // Acceptances: one accept action, one notification and one SMS to the reporter.
  for (const w of ledger.acked('accept')) {
    const accepts = actions.find((a) => a.work_order_id === w.workOrderId && a.action === 'accept')?.n ?? 0;
    if (accepts === 0) {
      lost += 1;
      errors.push(`acceptance of ${w.trackingNo} acknowledged but not stored`);
      continue;
    }
    stored += 1;
    if (accepts > 1) {
      duplicates += accepts - 1;
      errors.push(`work order of ${w.trackingNo} accepted ${accepts} times`);
    }
    expectedEvents.push({ type: 'governance.work_order.accept', subject: w.workOrderId ?? '' });
    const messages = sms.filter((m) => w.trackingNo && m.body.includes(w.trackingNo)).length;
    if (messages !== 1) {
      effectsTwice += messages > 1 ? 1 : 0;
      errors.push(`report ${w.trackingNo}: ${messages} SMS on acceptance`);
    }
  }

  // Timers: each fired its first stage (the accept warning) exactly once.
  for (const id of timerOrders) {
    const warns = actions.find((a) => a.work_order_id === id && a.action === 'warn')?.n ?? 0;
    if (warns !== 1) {
      if (warns > 1) effectsTwice += 1;
      errors.push(`work order ${id}: the accept warning fired ${warns} times`);
    }
    expectedEvents.push({ type: 'governance.work_order.warn', subject: id });
  }

  // Events: recorded once per write, published, and seen on the stream.
  let eventDuplicates = 0;
  let published = 0;
  let delivered = 0;
  const eventIds: string[] = [];
  for (const e of expectedEvents) {
    const found = events.filter((x) => x.type === e.type && x.subject === e.subject);
    if (found.length > 1) {
      eventDuplicates += found.length - 1;
      errors.push(`${found.length} ${e.type} events for ${e.subject}`);
    }
    const event = found[0];
    if (!event) continue;
    eventIds.push(event.id);
    if (event.published) published += 1;
  }
  let streamDuplicates = 0;
  let consumers = 0;
  if (witness) {
    await until(
      async () => eventIds.every((id) => witness.seen.has(id)),
      'the witness to see every event',
      30_000,
    ).catch(() => {});
    delivered = eventIds.filter((id) => witness.seen.has(id)).length;
    streamDuplicates = Math.max(0, (await witness.streamMessages()) - witness.seen.size);
    // The processes' own consumers took every event too.
    let backlog: Record<string, number> = {};
    await until(
      async () => {
        backlog = await witness.consumerBacklog();
        return Object.values(backlog).every((n) => n === 0);
      },
      "the processes' consumers to take every event",
      30_000,
    ).catch(() => {});
    for (const [name, n] of Object.entries(backlog)) if (n > 0) errors.push(`consumer ${name}: ${n} events not taken`);
    consumers = Object.keys(backlog).length;
  } else {
    delivered = published;
  }
  const eventsLost = expectedEvents.length - delivered;
  if (eventsLost > 0) errors.push(`${eventsLost} events not delivered`);

  const unacknowledged = ledger.writes.filter((w) => w.ackedAt === null && !ledger.refused.includes(w.marker));
  for (const w of ledger.writes) if (w.error) errors.push(`${w.kind} ${w.marker}: ${w.error}`);
  return {
    scenario,
    seconds: Math.round((Date.now() - began) / 100) / 10,
    writes: ledger.writes.length,
    acknowledged: {
      reports: ledger.acked('report').length,
      applications: ledger.acked('application').length,
      accepts: ledger.acked('accept').length,
    },
    unacknowledged: unacknowledged.length,
    answersLost: ledger.writes.filter((w) => w.answerLost).length,
    errors,
    stored,
    lost,
    duplicates,
    events: {
      expected: expectedEvents.length,
      published,
      delivered,
      lost: eventsLost,
      duplicates: eventDuplicates,
      streamDuplicates,
    },
    effectsTwice,
    messages: sms.length,
    client: {
      tries: Object.fromEntries(stats.tries),
      codes: Object.fromEntries(stats.codes),
      retries: stats.retries,
      slowestFailureMs: stats.slowestFailureMs,
    },
    notes: { drainMs, ...(witness ? { consumersUpToDate: consumers } : {}) },
  };
}

function group<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    out.set(k, [...(out.get(k) ?? []), row]);
  }
  return out;
}

/** How long each phase of a scenario lasts. */
export interface Timing {
  /** Load before the fault, during it (or between faults), and after it. */
  loadMs: number;
  /** How long a stopped service stays down. */
  downMs: number;
  /** How many times each process is killed in the kill scenario (default 1). */
  rounds?: number;
  /** The processes the kill scenario kills, in turn (default: every one). */
  victims?: string[];
}

/** Everything a scenario needs. */
export interface ScenarioContext {
  cluster: Cluster;
  workload: Workload;
  witness: StreamWitness | null;
  timing: Timing;
  log?: (line: string) => void;
}

/** Waits until every API process answers /readyz with 200; returns how long it took. */
async function allReady(cluster: Cluster, timeoutMs = 60_000): Promise<number> {
  return until(
    async () => {
      const answers = await Promise.all(
        cluster.apiUrls.map((url) =>
          fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) })
            .then(async (r) => {
              await r.arrayBuffer();
              return r.status;
            })
            .catch(() => 0),
        ),
      );
      return answers.every((s) => s === 200);
    },
    'every API process to be ready',
    timeoutMs,
  );
}

/** (a) kill -9 of each API process and of the worker, one after the other, in the middle of the load. */
export async function processKills(ctx: ScenarioContext): Promise<Figures> {
  const { cluster, workload, timing } = ctx;
  const ledger = new Ledger();
  workload.stats.reset();
  const began = Date.now();
  const load = workload.start(ledger);
  const restarts: number[] = [];
  const names = timing.victims ?? [...cluster.processes.values()].map((p) => p.name);
  const order = Array.from({ length: timing.rounds ?? 1 }, () => names).flat();
  for (const name of order) {
    await sleep(timing.loadMs);
    ctx.log?.(`kill -9 ${name}`);
    const t = Date.now();
    await cluster.kill(name);
    await sleep(timing.downMs);
    await cluster.restart(name);
    restarts.push(Date.now() - t);
  }
  await sleep(timing.loadMs);
  await load.stop();
  const figures = await reconcile(
    cluster,
    ledger,
    ctx.witness,
    workload.stats,
    'kill -9 of API and worker processes',
    began,
  );
  figures.notes.kills = order.length;
  figures.notes.killed = names.join(' ');
  figures.notes.slowestRestartMs = Math.max(...restarts);
  return figures;
}

/**
 * (b) PostgreSQL restarted under load (`immediate`: as after a crash): requests fail fast
 * with 503 and Retry-After, /readyz says 503, and every process recovers by itself.
 */
export async function postgresRestart(ctx: ScenarioContext, mode: 'fast' | 'immediate' = 'immediate') {
  const { cluster, workload, timing } = ctx;
  const ledger = new Ledger();
  workload.stats.reset();
  const pids = new Map([...cluster.processes.values()].map((p) => [p.name, p.pid]));
  const began = Date.now();
  const load = workload.start(ledger);
  await sleep(timing.loadMs);
  ctx.log?.(`PostgreSQL stop -m ${mode}`);
  await cluster.postgres.stop(mode);
  const stoppedAt = Date.now();
  // While the database is down: a write is refused with 503 and Retry-After, readiness says 503.
  const writes = await workload.probe(ledger);
  const probes = await Promise.all(
    cluster.apiUrls.map(async (url) => {
      const t = performance.now();
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      return { status: res.status, retryAfter: res.headers.get('retry-after'), ms: performance.now() - t };
    }),
  );
  await sleep(Math.max(0, timing.downMs - (Date.now() - stoppedAt)));
  await cluster.postgres.start();
  const upAt = Date.now();
  ctx.log?.('PostgreSQL started');
  const readyMs = await allReady(cluster);
  const acksBefore = ledger.acked().length;
  const firstAckMs = await until(
    async () => ledger.acked().length > acksBefore,
    'a write acknowledged after the restart',
    60_000,
  );
  await sleep(timing.loadMs);
  await load.stop();
  const figures = await reconcile(cluster, ledger, ctx.witness, workload.stats, `PostgreSQL restart (${mode})`, began);
  const restarted = [...cluster.processes.values()].filter((p) => pids.get(p.name) !== p.pid).map((p) => p.name);
  Object.assign(figures.notes, {
    downMs: upAt - stoppedAt,
    writeWhileDown: writes.map((p) => `${p.status} ${p.code ?? ''} retry-after=${p.retryAfter}`).join(', '),
    // Refused at once with 503 and a hint of when to come back: not a hang, not a 500.
    writesRefusedWith503AndRetryAfter: writes.filter((p) => p.status === 503 && Number(p.retryAfter) > 0).length,
    readyzWhileDown: probes.map((p) => `${p.status} retry-after=${p.retryAfter}`).join(', '),
    readyz503WithRetryAfter: probes.filter((p) => p.status === 503 && Number(p.retryAfter) > 0).length,
    slowestReadyzWhileDownMs: Math.round(Math.max(...probes.map((p) => p.ms))),
    readyAfterStartMs: readyMs,
    firstAckAfterStartMs: firstAckMs + readyMs,
    processesRestarted: restarted.length ? restarted.join(' ') : 'none',
  });
  return figures;
}

/** (c) NATS stopped under load: events wait in the outbox and are delivered once it is back. */
export async function natsRestart(ctx: ScenarioContext): Promise<Figures> {
  const { cluster, workload, timing } = ctx;
  if (!cluster.nats) throw new Error('the cluster runs without NATS');
  const ledger = new Ledger();
  workload.stats.reset();
  const db = (await cluster.db()).db;
  const backlog = async () =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL`.execute(db))
      .rows[0]?.n ?? 0;
  const began = Date.now();
  const load = workload.start(ledger);
  await sleep(timing.loadMs);
  ctx.log?.('NATS stop');
  await cluster.nats.stop('SIGTERM');
  const stoppedAt = Date.now();
  let waiting = 0;
  while (Date.now() - stoppedAt < timing.downMs) {
    waiting = Math.max(waiting, await backlog());
    await sleep(250);
  }
  const acksWhileDown = ledger.writes.filter((w) => w.ackedAt && w.ackedAt >= stoppedAt).length;
  await cluster.nats.start();
  const upAt = Date.now();
  ctx.log?.('NATS started');
  const drainedMs = await until(async () => (await backlog()) === 0, 'the outbox to drain', 120_000);
  await sleep(timing.loadMs);
  await load.stop();
  const figures = await reconcile(cluster, ledger, ctx.witness, workload.stats, 'NATS stopped and restarted', began);
  Object.assign(figures.notes, {
    downMs: upAt - stoppedAt,
    acknowledgedWhileDown: acksWhileDown,
    outboxBacklogWhileDown: waiting,
    outboxDrainedAfterStartMs: drainedMs,
  });
  return figures;
}

/**
 * (d) Work-order timers fall due while every worker is down; when workers come back (two at
 * once, racing for the jobs) each timer fires exactly once.
 */
export async function timerWhileWorkersDown(ctx: ScenarioContext, timers: number): Promise<Figures> {
  const { cluster, workload } = ctx;
  const ledger = new Ledger();
  workload.stats.reset();
  const db = (await cluster.db()).db;
  const began = Date.now();
  const workers = [...cluster.processes.values()].filter((p) => p.role === 'worker');
  ctx.log?.(`kill -9 ${workers.map((w) => w.name).join(' ')}`);
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  const writes = await Promise.all(Array.from({ length: timers }, () => workload.write(ledger, 'report')));
  const trackingNos = writes.map((w) => w.trackingNo).filter((t): t is string => !!t);
  const orders = trackingNos.length
    ? (
        await sql<{ work_order_id: string }>`
          SELECT work_order_id FROM reports WHERE tracking_no IN (${sql.join(trackingNos)})`.execute(db)
      ).rows.map((r) => r.work_order_id)
    : [];
  if (orders.length !== timers) {
    throw new Error(`only ${orders.length} of ${timers} reports were filed: ${writes.map((w) => w.error).join('; ')}`);
  }
  // Their first stage (the accept warning at 80 % of the limit) falls due while no worker runs.
  const due = await sql`
    UPDATE jobs SET run_at = now() - interval '1 second'
    WHERE kind = ${SLA_JOB} AND status = 'pending' AND payload->>'workOrderId' IN (${sql.join(orders)})`.execute(db);
  await sleep(1_000);
  const firedEarly = (
    await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM work_order_actions
      WHERE action = 'warn' AND work_order_id IN (${sql.join(orders)})`.execute(db)
  ).rows[0]?.n;
  const extra = cluster.processes.has('worker-extra')
    ? cluster.process('worker-extra')
    : await cluster.add('worker-extra', 'worker');
  if (extra.pid === null) extra.start();
  const backAt = Date.now();
  ctx.log?.('workers started');
  for (const w of workers) w.start();
  await Promise.all([...workers, extra].map((w) => w.ready()));
  const workersReadyMs = Date.now() - backAt;
  await until(
    async () =>
      (
        await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM jobs WHERE kind = ${SLA_JOB} AND status = 'pending' AND run_at <= now()
          AND payload->>'workOrderId' IN (${sql.join(orders)})`.execute(db)
      ).rows[0]?.n === 0,
    'the due timers to fire',
    60_000,
  );
  const firedAfterWorkersBackMs = Date.now() - backAt;
  const byWorker = (
    await sql<{ done_by: string; n: number }>`
      SELECT split_part(done_by, ':', 2) AS done_by, count(*)::int AS n FROM jobs
      WHERE kind = ${SLA_JOB} AND status = 'done' AND payload->>'workOrderId' IN (${sql.join(orders)})
      GROUP BY 1`.execute(db)
  ).rows;
  await cluster.remove(extra.name);
  const figures = await reconcile(
    cluster,
    ledger,
    ctx.witness,
    workload.stats,
    'timers due while every worker is down',
    began,
    {
      timerWorkOrders: orders,
    },
  );
  Object.assign(figures.notes, {
    timersDue: Number(due.numAffectedRows ?? 0),
    firedWhileWorkersDown: firedEarly ?? 0,
    workersReadyMs,
    firedAfterWorkersBackMs,
    workersSharingTheTimers: byWorker.length,
  });
  return figures;
}

/** A one-line summary per figure (for logs and the benchmark's output). */
export function describeFigures(f: Figures): string {
  const tries = Object.entries(f.client.tries)
    .sort()
    .map(([k, v]) => `${k}×${v}`)
    .join(' ');
  return [
    `${f.scenario} (${f.seconds} s)`,
    `  writes ${f.writes}, acknowledged ${f.acknowledged.reports} reports + ${f.acknowledged.applications} applications + ${f.acknowledged.accepts} acceptances, unacknowledged ${f.unacknowledged}, answers lost (looked up) ${f.answersLost}`,
    `  stored ${f.stored}, lost ${f.lost}, duplicates ${f.duplicates}, side effects twice ${f.effectsTwice}, SMS ${f.messages}`,
    `  events expected ${f.events.expected}, published ${f.events.published}, delivered ${f.events.delivered}, lost ${f.events.lost}, recorded twice ${f.events.duplicates}, stream duplicates ${f.events.streamDuplicates}`,
    `  tries ${tries}; retries ${f.client.retries}; slowest failed try ${f.client.slowestFailureMs} ms`,
    `  ${Object.entries(f.notes)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
    ...f.errors.slice(0, 10).map((e) => `  ! ${e}`),
  ].join('\n');
}
