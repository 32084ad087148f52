// Labs' copy of the health score's wearables part, handed over by wearables as a job in the
// transaction of each write (shared/domain/wearables-score.ts), in-process on a scratch database:
// a part sent while no labs worker runs waits in the queue and is stored once one starts; each
// patient's part lands in that patient's row only; a part computed earlier never replaces a later
// one; the refresh fills the copy again from the daily stats (a database that predates it).
import { randomUUID } from 'node:crypto';
import { migrateDatabase } from '../../../shared/db/prepare';
import { serviceLogger } from '../../../shared/logger';
import { processJobQueue, type JobQueue, type ProcessJobQueue } from '../../../shared/queue/jobs';
import { systemClock } from '../../../shared/clock';
import { ensureWearablesScorePartQueue, WEARABLES_SCORE_PART_QUEUE } from '../../../shared/domain/wearables-score';
import { seedDatabase } from '../../../prisma/seed';
import { seededPatientId } from '../../../prisma/seed/identities';
import { openScratchDatabase, type ScratchDatabase } from '../../../test/support/database';
import { eventually } from '../../../test/support/ws';
import { recordReadings } from '../../wearables/readings';
import { computeScoreParts } from '../../wearables/score-parts';
import { runScoreRefresh } from '../../wearables/score-refresh';
import { startWearablesPartWorker, storeWearablesParts } from '../wearables-part';

const log = serviceLogger('labs-test');
let db: ScratchDatabase;
let jobs: ProcessJobQueue;
let queue: JobQueue;

interface Row {
  profileId: string;
  score: number | null;
  components: { name: string; score: number; detail: string }[];
  lastDay: string | null;
  computedAt: string;
}

const rows = async (ids: string[]) =>
  db.prisma.$queryRaw<Row[]>`
    SELECT profile_id::text AS "profileId", score, components, last_day::text AS "lastDay", to_json(computed_at) #>> '{}' AS "computedAt"
      FROM patient_graph.lab_wearables_score_parts WHERE profile_id = ANY(${ids}::uuid[]) ORDER BY profile_id`;
const row = async (id: string) => (await rows([id]))[0];
const waiting = async () =>
  Number((await db.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pgboss.job WHERE name = ${WEARABLES_SCORE_PART_QUEUE} AND state = 'created'`)[0].n);

/** Readings of one metric, one a day for the last three days, so each patient's part is its own. */
const readings = (metric: 'SLEEP_SCORE' | 'HRV_RMSSD', values: number[]) =>
  values.map((value, i) => ({
    provider: 'OURA' as const,
    metric,
    value,
    unit: metric === 'SLEEP_SCORE' ? 'score' : 'ms',
    recordedAt: new Date(Date.now() - (1 + i * 24) * 3_600_000),
    providerReadingId: `part-${randomUUID()}`,
  }));

beforeAll(async () => {
  db = await openScratchDatabase();
  await migrateDatabase(db);
  await seedDatabase(db.prisma, { patients: 4 });
  jobs = processJobQueue(db, log);
  queue = await jobs.start();
  // Wearables' side only: its process made the queue; no labs worker runs yet.
  await ensureWearablesScorePartQueue(queue);
}, 120_000);

afterAll(async () => {
  await jobs?.stop();
  await db?.dispose();
});

describe("labs' copy of the wearables part", () => {
  const [first, second] = [seededPatientId(1), seededPatientId(2)];

  it('is filled by the seed with the part wearables computes', async () => {
    const expected = await computeScoreParts(db.prisma, [first, second], new Date());
    const stored = await rows([first, second]);
    expect(stored.map(({ profileId, score, components, lastDay }) => ({ patientId: profileId, score, components, lastDay }))).toEqual(
      expected.map(({ patientId, score, components, lastDay }) => ({ patientId, score, components, lastDay })),
    );
  });

  it('waits in the queue while no labs worker runs, and each patient’s part reaches that patient’s row only once one starts', async () => {
    const before = { first: await row(first), second: await row(second) };
    await recordReadings(db.prisma, queue, first, 'UTC', readings('SLEEP_SCORE', [20, 25, 30]));
    await recordReadings(db.prisma, queue, second, 'UTC', readings('HRV_RMSSD', [90, 95, 99]));
    expect(await waiting()).toBeGreaterThanOrEqual(2);
    // Nothing stored yet: labs is not running.
    expect(await row(first)).toEqual(before.first);
    expect(await row(second)).toEqual(before.second);

    const expected = await computeScoreParts(db.prisma, [first, second], new Date());
    await startWearablesPartWorker(queue, db.prisma, log);
    queue.wake(WEARABLES_SCORE_PART_QUEUE);
    await eventually(async () => (await waiting()) === 0 && (await row(first)).computedAt !== before.first.computedAt && (await row(second)).computedAt !== before.second.computedAt, 30_000, 'the waiting parts to be stored');

    const [a, b] = [await row(first), await row(second)];
    expect({ score: a.score, components: a.components }).toEqual({ score: expected[0].score, components: expected[0].components });
    expect({ score: b.score, components: b.components }).toEqual({ score: expected[1].score, components: expected[1].components });
    expect(a.components).not.toEqual(b.components);
    expect(a.components.find((c) => c.name === 'SLEEP')?.detail).not.toEqual(b.components.find((c) => c.name === 'SLEEP')?.detail);
  });

  it('keeps the part computed last: an earlier one arriving late (a retried job) changes nothing', async () => {
    const current = await row(first);
    const stale = { patientId: first, score: 1, components: [{ name: 'SLEEP', score: 1, detail: 'stale' }], windowStart: '2000-01-01', lastDay: '2000-01-14', computedAt: '2000-01-14T00:00:00.000Z' };
    expect(await storeWearablesParts(db.prisma, [stale])).toBe(0);
    expect(await row(first)).toEqual(current);
    // Of two parts of one patient in one batch, the later is kept.
    const later = { ...stale, score: 77, computedAt: new Date(Date.now() + 60_000).toISOString() };
    expect(await storeWearablesParts(db.prisma, [later, { ...stale, score: 2, computedAt: new Date(Date.now() + 30_000).toISOString() }])).toBe(1);
    expect((await row(first)).score).toBe(77);
  });

  it('is filled again from the daily stats by the refresh (a database that predates it)', async () => {
    await db.prisma.$executeRaw`DELETE FROM patient_graph.lab_wearables_score_parts`;
    const sent = await runScoreRefresh({ prisma: db.prisma, jobQueue: queue, clock: systemClock, log });
    expect(sent).toBeGreaterThanOrEqual(2);
    const expected = await computeScoreParts(db.prisma, [first, second], new Date());
    await eventually(async () => (await rows([first, second])).length === 2, 30_000, 'the refreshed parts to be stored');
    expect((await rows([first, second])).map(({ score, components }) => ({ score, components }))).toEqual(expected.map(({ score, components }) => ({ score, components })));
  });
});
