/** Helpers for event and job tests: waiting without timing assertions, capturing logs, finding NATS. */
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pino, { type Logger } from 'pino';
import { loadTestServices } from '../../config.ts';

/** A logger that writes nothing. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** A logger that keeps every line (warn and above by default) for assertions. */
export function memoryLogger(level: pino.Level = 'warn'): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

/** Polls `check` until it holds; fails with `what` after `timeoutMs` (generous: CI machines are slow). */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  { timeoutMs = 20_000, intervalMs = 20 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The test NATS server's URL if it answers; null (skip) if not, unless services are required. */
export async function findNats(): Promise<string | null> {
  const { natsUrl, requireServices } = loadTestServices();
  try {
    const nc = await connect({ servers: natsUrl, timeout: 2_000, reconnect: false });
    try {
      await (await jetstreamManager(nc)).getAccountInfo();
    } finally {
      await nc.close();
    }
    return natsUrl;
  } catch (error) {
    const reason = `NATS JetStream not reachable at ${natsUrl}: ${(error as Error).message}`;
    if (requireServices) throw new Error(`ONECITY_REQUIRE_SERVICES=1 but ${reason}`);
    return null;
  }
}

/** A stream name and subject prefix no other test run uses. */
export function uniqueStream(label: string): { stream: string; subjectPrefix: string } {
  const tag = `${label}_${randomBytes(4).toString('hex')}`;
  return { stream: `ONECITY_TEST_${tag}`.toUpperCase(), subjectPrefix: `onecity_test_${tag}.events` };
}

/** Deletes test streams (and with them their consumers). */
export async function deleteStreams(url: string, streams: readonly string[]): Promise<void> {
  if (streams.length === 0) return;
  const nc = await connect({ servers: url, timeout: 2_000, reconnect: false });
  try {
    const jsm = await jetstreamManager(nc);
    for (const stream of streams) await jsm.streams.delete(stream).catch(() => false);
  } finally {
    await nc.close();
  }
}

/** How many messages a stream holds. */
export async function streamMessages(url: string, stream: string): Promise<number> {
  const nc = await connect({ servers: url, timeout: 2_000, reconnect: false });
  try {
    const jsm = await jetstreamManager(nc);
    return (await jsm.streams.info(stream)).state.messages;
  } finally {
    await nc.close();
  }
}
