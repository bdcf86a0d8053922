/**
 * Runs bad-input cases against an app and keeps the tally: per operation, how many cases, the
 * status classes answered, who sent them, and every failure with the seed that makes its case
 * again. Case `i` of operation `key` under run seed `s` is generated from its own seed
 * ({@link caseSeed}), so that one failing case can be sent again alone.
 */
import fc from 'fast-check';
import { type BadCase, type CaseRequest, caseArbitrary } from './cases.ts';
import { type Answer, problemsWith, statusClass } from './checks.ts';
import { DatabaseWatch } from './database.ts';
import type { OpenApiDocument, Operation } from './openapi.ts';
import type { CallerName, World } from './world.ts';

/** How long one answer may take before the case counts as hanging. */
const ANSWER_TIMEOUT_MS = 60_000;

/** One failing case. */
export interface Failure {
  operation: string;
  /** The case's own seed: `--route "<operation>" --replay <caseSeed>` sends it again. */
  caseSeed: number;
  caller: CallerName;
  locale: string;
  requests: string[];
  problems: string[];
}

/** What one operation's cases came to. */
export interface Tally {
  operation: string;
  cases: number;
  statuses: Record<'2xx' | '3xx' | '4xx' | '5xx', number>;
  callers: Record<CallerName, number>;
  /** Problem codes answered, by how often. */
  codes: Record<string, number>;
  failures: Failure[];
  milliseconds: number;
}

/** The seed of case `index` of `operation` in the run seeded `seed` (FNV-1a over the three). */
export function caseSeed(seed: number, operation: string, index: number): number {
  let h = 0x811c9dc5;
  for (const ch of `${seed}|${operation}|${index}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h | 0;
}

/** Sends bad input to `world.app`, one operation at a time. */
export class BadInputRunner {
  readonly #world: World;
  readonly #document: OpenApiDocument;
  readonly #arbitraries = new Map<string, fc.Arbitrary<BadCase>>();
  readonly watch: DatabaseWatch;
  #ready = false;

  constructor(world: World, document: OpenApiDocument) {
    this.#world = world;
    this.#document = document;
    this.watch = new DatabaseWatch(world.app.platform.db);
  }

  /** The case `seed` makes for `op`. */
  caseFor(op: Operation, seed: number): BadCase {
    let arbitrary = this.#arbitraries.get(op.key);
    if (!arbitrary) {
      arbitrary = caseArbitrary(op, this.#world, this.#document);
      this.#arbitraries.set(op.key, arbitrary);
    }
    const [value] = fc.sample(arbitrary, { seed, numRuns: 1 });
    if (!value) throw new Error(`no case for ${op.key}`);
    return value;
  }

  /** Runs cases `from` … `from + count - 1` of `op` under run seed `seed` (fewer once `stop` says so). */
  async runOperation(
    op: Operation,
    options: { seed: number; count: number; from?: number; stop?: () => boolean },
  ): Promise<Tally> {
    const tally: Tally = {
      operation: op.key,
      cases: 0,
      statuses: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
      callers: { anonymous: 0, citizen: 0, staff: 0, admin: 0 },
      codes: {},
      failures: [],
      milliseconds: 0,
    };
    const began = performance.now();
    for (let i = options.from ?? 0; i < (options.from ?? 0) + options.count; i++) {
      if (options.stop?.()) break;
      await this.runCase(op, caseSeed(options.seed, op.key, i), tally);
    }
    const health = await this.#world.app.inject({ url: '/healthz' });
    if (health.statusCode !== 200) {
      tally.failures.push({
        operation: op.key,
        caseSeed: 0,
        caller: 'anonymous',
        locale: '',
        requests: ['GET /healthz'],
        problems: [`after the cases, /healthz answered ${health.statusCode}`],
      });
    }
    tally.milliseconds = performance.now() - began;
    return tally;
  }

  /** Runs the case `seed` makes for `op` and adds it to `tally`. */
  async runCase(op: Operation, seed: number, tally: Tally): Promise<void> {
    if (!this.#ready) {
      await this.watch.reset();
      this.#ready = true;
    }
    const c = this.caseFor(op, seed);
    const problems: string[] = [];
    const answers = await this.#send(op, c, problems);
    tally.cases += 1;
    tally.callers[c.caller] += 1;
    for (const answer of answers) {
      if (!answer) continue;
      tally.statuses[statusClass(answer.statusCode)] += 1;
      if (answer.statusCode >= 400) {
        const code = /"code":"(\w+)"/.exec(answer.body)?.[1] ?? String(answer.statusCode);
        tally.codes[code] = (tally.codes[code] ?? 0) + 1;
      }
    }
    await this.#afterCase(op, c, answers);
    if (problems.length) {
      tally.failures.push({
        operation: op.key,
        caseSeed: seed,
        caller: c.caller,
        locale: c.locale.header ?? '(none)',
        requests: c.requests.map(describe),
        problems: [...new Set(problems)],
      });
    }
  }

  async #send(op: Operation, c: BadCase, problems: string[]): Promise<(Answer | null)[]> {
    const expected = c.locale.expected;
    const check = (answer: Answer | null, changed: string[]) => {
      if (!answer) return;
      problems.push(...problemsWith(answer, op.route, expected));
      if (answer.statusCode >= 400 && changed.length) {
        problems.push(`refused with ${answer.statusCode} yet changed ${changed.join(', ')}`);
      }
    };
    if (c.idempotency === 'concurrent') {
      const answers = await Promise.all(c.requests.map((r) => this.#inject(c, r, problems)));
      const changed = await this.watch.changes();
      const allRefused = answers.every((a) => !a || a.statusCode >= 400);
      for (const a of answers) check(a, allRefused ? changed : []);
      const key = c.requests[0]?.headers['idempotency-key'];
      if (key && (await this.#stored(key))) {
        const ran = answers.filter((a) => a && a.statusCode < 400 && a.headers['idempotent-replayed'] !== 'true');
        if (ran.length > 1) problems.push(`one Idempotency-Key sent twice at once ran ${ran.length} times`);
      }
      return answers;
    }
    const answers: (Answer | null)[] = [];
    for (const [i, request] of c.requests.entries()) {
      const answer = await this.#inject(c, request, problems);
      check(answer, await this.watch.changes());
      answers.push(answer);
      if (c.idempotency === 'reuse' && i === 0) {
        const key = request.headers['idempotency-key'];
        if (!key || !(await this.#stored(key))) break; // not kept (refused before, or a route that never replays)
      }
    }
    if (c.idempotency === 'reuse' && answers.length === 3) {
      const [first, other, again] = answers;
      if (other && other.statusCode < 400) {
        problems.push(`an Idempotency-Key reused with another body was accepted (${other.statusCode})`);
      }
      // A first request that ended the caller's session (a sign-out, a second factor reset): the
      // repeat comes without one and is refused before any replay.
      const signedOut =
        String(first?.headers['set-cookie'] ?? '').includes(`${this.#world.sessionCookie}=`) ||
        again?.statusCode === 401;
      if (first && again && !signedOut) {
        if (again.headers['idempotent-replayed'] !== 'true' || again.statusCode !== first.statusCode) {
          problems.push(
            `a repeat under a kept Idempotency-Key was not replayed (${first.statusCode} then ${again.statusCode})`,
          );
        } else if (again.body !== first.body) {
          problems.push('a repeat under a kept Idempotency-Key was replayed with another body');
        }
      }
    }
    return answers;
  }

  async #stored(key: string): Promise<boolean> {
    const row = await this.#world.app.platform.db
      .selectFrom('idempotency_keys')
      .select('state')
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.state === 'done';
  }

  async #inject(c: BadCase, request: CaseRequest, problems: string[]): Promise<Answer | null> {
    const headers: Record<string, string> = {
      ...this.#world.headersOf(c.caller),
      ...(c.locale.header === undefined ? {} : { 'accept-language': c.locale.header }),
      ...request.headers,
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), ANSWER_TIMEOUT_MS);
    });
    try {
      const sent = this.#world.app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers,
        remoteAddress: c.remoteAddress,
        ...(request.payload === undefined ? {} : { payload: request.payload }),
      });
      const answer = await Promise.race([sent, timeout]);
      if (answer === 'timeout') {
        problems.push(`no answer within ${ANSWER_TIMEOUT_MS / 1000} s`);
        return null;
      }
      return { statusCode: answer.statusCode, headers: answer.headers, body: answer.body };
    } catch (error) {
      problems.push(`the request could not be completed: ${(error as Error).message}`);
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Puts the world back where the next case expects it: signed-in callers, no exhausted rate limits. */
  async #afterCase(op: Operation, c: BadCase, answers: (Answer | null)[]): Promise<void> {
    const cookie = this.#world.sessionCookie;
    // A sign-out, a lock after failed passwords, or a session cut short some other way.
    const endedSession =
      answers.some((a) => String(a?.headers['set-cookie'] ?? '').includes(`${cookie}=`)) ||
      (c.caller !== 'anonymous' && answers.some((a) => a?.statusCode === 401));
    const wrote = op.method !== 'GET' && answers.some((a) => a && a.statusCode < 400);
    const limited = answers.some((a) => a?.statusCode === 429);
    if (!endedSession && !wrote && !limited) return;
    if (endedSession || wrote) await this.#world.renewSessions();
    if (limited) await this.#world.app.platform.db.deleteFrom('rate_limit_counters').execute();
    await this.watch.reset();
  }
}

function describe(request: CaseRequest): string {
  const body =
    request.payload === undefined
      ? ''
      : ` body ${Buffer.byteLength(request.payload)} B: ${String(request.payload).slice(0, 120).replace(/\s+/g, ' ')}`;
  const headers = Object.keys(request.headers).length
    ? ` headers ${JSON.stringify(request.headers).slice(0, 160)}`
    : '';
  return `${request.method} ${request.url.slice(0, 200)} [${request.label}]${headers}${body}`;
}
