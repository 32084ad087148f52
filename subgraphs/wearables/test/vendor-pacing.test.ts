// The vendors' rate limits across processes (sync/vendor-pacing.ts), on a Redis server of the
// test's own behind a TCP proxy: two pacers with their own connections stand for two processes.
// They share one schedule, so together they keep to the vendor's limit; a process that loses
// Redis (refused, or no answer on a new or a live connection) paces itself and goes on, sends
// nothing that could book turns late, and shares again once Redis is back; no turn is booked
// beyond the longest wait, or waits on a schedule written before Redis's clock stepped back.
import { Writable } from 'node:stream';
import pino from 'pino';
import { connectRedis, type Redis } from '../../../shared/redis';
import { startPrivateRedis, type PrivateRedis } from '../../../test/support/redis';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy';
import { eventually } from '../../../test/support/ws';
import { pluginFor } from '../providers';
import { sleep, VendorError } from '../providers/http';
import { sharedVendorPacing, type SharedPacingOptions, type VendorPacing } from '../sync/vendor-pacing';

const WHOOP = pluginFor('WHOOP').rateLimit;
const INTERVAL_MS = 1000 / WHOOP.perSecond;
/** Timers and Redis's clock may round a turn's wait down by a millisecond or two. */
const ROUNDING_MS = 5;

let redis: PrivateRedis;
let proxy: TcpProxy;
let inspect: Redis;
const opened: VendorPacing[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: redis.port });
  inspect = connectRedis(redis.url, { lazyConnect: false });
});

afterAll(async () => {
  await Promise.all(opened.map((pacing) => pacing.close()));
  inspect.disconnect();
  await proxy.close();
  redis.stop();
});

function logged() {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  return { log: pino({ level: 'info' }, sink), lines };
}

let prefixes = 0;
/** A process's pacing on the proxied Redis, with a schedule of this test's own. */
function processPacing(keyPrefix: string, options: Partial<SharedPacingOptions> = {}): VendorPacing {
  const pacing = sharedVendorPacing(`redis://127.0.0.1:${proxy.port}`, { log: logged().log, ...options, keyPrefix });
  opened.push(pacing);
  return pacing;
}
const newPrefix = () => `pace-test-${process.pid}-${++prefixes}:`;

/** Milliseconds from `start` at which each of `count` turns came, in order. */
async function turnTimes(takes: Promise<void>[], start: number): Promise<number[]> {
  const times = await Promise.all(takes.map((take) => take.then(() => performance.now() - start)));
  return times.sort((a, b) => a - b);
}

/** Redis's clock, in ms, as the booking script reads it. */
async function redisNow(): Promise<number> {
  const [seconds, micros] = await inspect.time();
  return Number(seconds) * 1000 + Number(micros) / 1000;
}

/** EVAL and EVALSHA calls Redis has run: each is one booking. */
async function bookingsRun(): Promise<number> {
  const stats = await inspect.info('commandstats');
  return [...stats.matchAll(/^cmdstat_eval(?:sha)?:calls=(\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/** `count` turns of the provider at once; the ms from now at which each came, in order. */
function turns(pacing: VendorPacing, provider: 'GARMIN' | 'WHOOP', count: number): Promise<number[]> {
  const start = performance.now();
  return turnTimes(
    Array.from({ length: count }, () => pacing.pacer(provider).take()),
    start,
  );
}

/** Waits until the pacing's turns go through Redis (its connection is up). */
const ready = (pacing: VendorPacing, prefix: string) =>
  eventually(
    async () => {
      await pacing.pacer('DEXCOM').take();
      return (await inspect.exists(`${prefix}DEXCOM`)) === 1;
    },
    5_000,
    'the pacer to reach Redis',
  );

describe('vendor pacing through Redis', () => {
  it('gives two processes one schedule: together they keep to the vendor’s rate after its burst', async () => {
    const prefix = newPrefix();
    const [a, b] = [processPacing(prefix), processPacing(prefix)];
    await Promise.all([ready(a, prefix), ready(b, prefix)]);
    const each = WHOOP.burst / 2 + 2;
    const start = performance.now();
    const takes = Array.from({ length: each }, () => [a.pacer('WHOOP').take(), b.pacer('WHOOP').take()]).flat();
    const times = await turnTimes(takes, start);
    // Each process alone is within its own burst, so with a bucket per process every turn would come at once.
    expect(each).toBeLessThanOrEqual(WHOOP.burst);
    const beyondBurst = times.slice(WHOOP.burst);
    expect(beyondBurst).toHaveLength(4);
    beyondBurst.forEach((at, i) => expect(at).toBeGreaterThanOrEqual((i + 1) * INTERVAL_MS - ROUNDING_MS));
    // The schedule is in Redis, under the provider's key.
    expect(Number(await inspect.get(`${prefix}WHOOP`))).toBeGreaterThan(0);
  });

  it('paces each process by itself while Redis refuses or hangs, and shares again once it is back', async () => {
    const prefix = newPrefix();
    const { log, lines } = logged();
    const pacing = processPacing(prefix, { log, timeoutMs: 200 });
    await ready(pacing, prefix);
    lines.length = 0;
    try {
      proxy.setMode('refuse');
      // Every turn still comes (no error, no hang), from the process's own bucket.
      expect(await turns(pacing, 'GARMIN', 3)).toHaveLength(3);
      proxy.setMode('stall');
      await eventually(async () => (await turns(pacing, 'GARMIN', 1)).length === 1, 5_000, 'a turn while Redis hangs');
      const warnings = lines.filter((line) => line.msg.startsWith('vendor pacing: Redis unreachable'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0].level).toBe(40);
    } finally {
      proxy.setMode('pass');
    }
    const before = Number(await inspect.get(`${prefix}GARMIN`));
    await eventually(
      async () => {
        await turns(pacing, 'GARMIN', 1);
        return Number(await inspect.get(`${prefix}GARMIN`)) > before;
      },
      10_000,
      'turns to be taken from Redis again',
    );
    expect(lines.filter((line) => line.msg === 'vendor pacing: Redis answers again, turns are shared')).toHaveLength(1);
  });

  const LATENCY_MS = 1_500;
  it('sends nothing to a Redis that stopped answering on a live connection, after the one booking that timed out', async () => {
    const prefix = newPrefix();
    const { log, lines } = logged();
    const pacing = processPacing(prefix, { log, timeoutMs: 200 });
    await ready(pacing, prefix);
    const before = await bookingsRun();
    proxy.setLatency(LATENCY_MS);
    try {
      expect(await turns(pacing, 'GARMIN', 1)).toHaveLength(1);
      expect(await turns(pacing, 'GARMIN', 5)).toHaveLength(5);
    } finally {
      proxy.setLatency(0);
    }
    // The booking that timed out reaches Redis late; the five turns after it booked nothing there.
    await eventually(async () => (await bookingsRun()) > before, 5_000, 'the late booking to arrive');
    // Any booking sent during the turns after it would arrive within the same delay.
    await sleep(LATENCY_MS);
    expect((await bookingsRun()) - before).toBe(1);
    expect(lines.filter((line) => line.msg.startsWith('vendor pacing: Redis unreachable'))).toHaveLength(1);
  });

  it('books no turn beyond the longest wait, and does not wait on a schedule from before Redis’s clock stepped back', async () => {
    const prefix = newPrefix();
    const pacing = processPacing(prefix, { maxWaitMs: 100 });
    await ready(pacing, prefix);
    const key = `${prefix}WHOOP`;
    const outcomes = await Promise.allSettled(Array.from({ length: WHOOP.burst + 3 }, () => pacing.pacer('WHOOP').take()));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(WHOOP.burst);
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(refused).toHaveLength(3);
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(VendorError);
      expect(reason).toMatchObject({ kind: 'rate_limited', retryable: true, message: expect.stringMatching(/^WHOOP: no turn free within 0.1 s/) });
    }
    // Refused turns booked nothing: the schedule ends the burst's slots ahead at most.
    expect(Number(await inspect.get(key)) - (await redisNow())).toBeLessThanOrEqual(WHOOP.burst * INTERVAL_MS);

    // An hour ahead: written before the clock stepped back. The next turn comes now, and books from now.
    await inspect.set(key, String((await redisNow()) + 3_600_000));
    await pacing.pacer('WHOOP').take();
    expect(Number(await inspect.get(key)) - (await redisNow())).toBeLessThanOrEqual(INTERVAL_MS);
  });
});
