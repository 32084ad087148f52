// The daily wearable sync at full size: the seeded connections (~200 patients) all queued at
// once, as the 03:00 UTC run does, synced against the local vendor simulators through the
// job queue. Reports wall time, jobs per second, queue wait and sync time per connection
// (p50/p95/max), readings stored and SQL statements; then the same run again right after,
// which stores only what the simulated vendors recorded in between (idempotent: everything
// fetched again is skipped). Runs its own stack in-process on a fresh database.
//   npm run bench:wearables                        # the daily run: since the seed's cursor
//   BACKFILL=1 npm run bench:wearables             # every connection's first sync: 30 days back
//   WEARABLES_SYNC_CONCURRENCY=8 npm run bench:wearables
import { sqlStatementCount } from '../shared/metrics';
import { ALL_SERVICES, launch } from '../bin/launch';
import type { WearablesServices } from '../subgraphs/wearables/services';
import { requestDailySync } from '../subgraphs/wearables/sync/request';
import { withBenchEnvironment, runBenchmark } from './environment';

const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 4850);
const BACKFILL = process.env.BACKFILL === '1' || process.env.BACKFILL === 'true';
const TIMEOUT_MS = Number(process.env.TIMEOUT_SECONDS ?? 600) * 1000;

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor((q / 100) * sorted.length))] ?? 0;
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] ?? 0 };
};

async function main() {
  await withBenchEnvironment(PORT_BASE, async ({ config }) => {
    const stack = await launch(config, ALL_SERVICES);
    const prisma = stack.db!.prisma;
    try {
      if (BACKFILL) await prisma.wearableConnection.updateMany({ data: { syncCursor: null } });
      const runs = [];
      for (const run of [BACKFILL ? 'backfill (30 days per connection)' : 'daily (since the seed)', 'again right after (idempotent)']) {
        const started = Date.now();
        const statements = await sqlStatementCount();
        const readingsBefore = await prisma.wearableReading.count();
        const queued = await requestDailySync(prisma, (stack.services.wearables as WearablesServices).queue);
        const deadline = Date.now() + TIMEOUT_MS;
        let rows;
        for (;;) {
          rows = await prisma.wearableConnection.findMany({
            where: { status: { not: 'DISCONNECTED' } },
            select: { provider: true, syncStatus: true, syncRequestedAt: true, syncStartedAt: true, syncFinishedAt: true, syncReadingsAdded: true, lastError: true },
          });
          if (rows.every((row) => row.syncStatus === 'SUCCEEDED' || row.syncStatus === 'FAILED')) break;
          if (Date.now() > deadline) throw new Error(`not finished after ${TIMEOUT_MS / 1000}s`);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        const seconds = (Date.now() - started) / 1000;
        const failed = rows.filter((row) => row.syncStatus === 'FAILED');
        // Each provider's queue drains at its own pace (WHOOP allows 100 requests a minute).
        const byProvider = Object.fromEntries(
          ['OURA', 'WHOOP', 'DEXCOM', 'GARMIN'].map((provider) => {
            const own = rows.filter((row) => row.provider === provider);
            const last = Math.max(...own.map((row) => row.syncFinishedAt!.getTime()));
            return [provider, { connections: own.length, doneAfterSeconds: Math.round((last - started) / 100) / 10 }];
          }),
        );
        runs.push({
          run,
          connections: queued,
          byProvider,
          failed: failed.length,
          errors: [...new Set(failed.map((row) => row.lastError))].slice(0, 3),
          wallSeconds: Math.round(seconds * 10) / 10,
          jobsPerSecond: Math.round((queued / seconds) * 10) / 10,
          queueWaitMs: summary(rows.map((row) => row.syncStartedAt!.getTime() - row.syncRequestedAt!.getTime())),
          syncMs: summary(rows.map((row) => row.syncFinishedAt!.getTime() - row.syncStartedAt!.getTime())),
          readingsStored: (await prisma.wearableReading.count()) - readingsBefore,
          readingsAddedPerConnection: summary(rows.map((row) => row.syncReadingsAdded ?? 0)),
          sqlStatements: (await sqlStatementCount()) - statements,
        });
      }
      console.log(
        JSON.stringify(
          {
            database: stack.db!.description,
            concurrencyPerProvider: Number(process.env.WEARABLES_SYNC_CONCURRENCY ?? 2),
            note: 'simulated vendors on localhost: vendor latency is not included; their rate limits are',
            runs,
          },
          null,
          2,
        ),
      );
    } finally {
      await stack.stop();
    }
  });
}

runBenchmark(main);
