// The wearables domain in-process, for what the gateway cannot show: a scratch database
// (PGlite, or a fresh database on DATABASE_URL's server) with a few seeded patients, the
// four simulators on free ports, and the connect / sync code called directly, so a test can
// read raw rows (sealed tokens), set the clock (expired states, a DST fixture) and restart
// the queue.
import { randomBytes } from 'node:crypto';
import { seedDatabase } from '../../../../prisma/seed';
import { loadConfig } from '../../../../shared/config';
import { migrateDatabase } from '../../../../shared/db/prepare';
import { serviceLogger } from '../../../../shared/logger';
import { LocalPubSub } from '../../../../shared/pubsub';
import { startCareAlertRaising } from '../../../../shared/domain/care-alerts';
import { processJobQueue } from '../../../../shared/queue/jobs';
import type { RunningServer } from '../../../../shared/server/listen';
import { openScratchDatabase } from '../../../../test/support/database';
import type { WearableProvider } from '../../../../generated/prisma/client';
import { loadWearablesConfig, PROVIDERS, type WearablesConfig } from '../../config';
import { completeConnection, startConnection, type ConnectDeps } from '../../connect';
import { SIMULATORS } from '../../simulators';
import { startSimulator } from '../../simulators/server';
import type { SyncDeps } from '../../sync/pipeline';
import { localVendorPacing } from '../../sync/vendor-pacing';
import { domainPorts } from '../../../../bin/ports';
import { keyringFrom, parseTokenKeys, type TokenKeyring } from '../../tokens/keyring';
import { approveAt } from './simulators';

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export const newKey = (kid: string) => `${kid}:${randomBytes(32).toString('base64')}`;

export async function startHarness(options: { patients?: number } = {}) {
  const db = await openScratchDatabase();
  await migrateDatabase(db);
  await seedDatabase(db.prisma, { patients: options.patients ?? 3 });
  const simulators: RunningServer[] = [];
  for (const provider of PROVIDERS) simulators.push(await startSimulator(SIMULATORS[provider], '127.0.0.1', 0));
  const config: WearablesConfig = {
    ...loadWearablesConfig(loadConfig({ NODE_ENV: 'test' })),
    simulatorPorts: Object.fromEntries(PROVIDERS.map((provider, i) => [provider, simulators[i].port])) as Record<WearableProvider, number>,
    httpBackoffMs: 5,
    syncConcurrency: 2,
    syncRetryDelaySeconds: 1,
  };
  let keySpec = newKey('k1');
  let keyring: TokenKeyring = keyringFrom(parseTokenKeys(keySpec));
  const pubsub = new LocalPubSub();
  const log = serviceLogger('wearables-test');
  // The process's job queue, as bin/launch.ts gives it: a synced anomaly raises a care alert on it.
  const jobs = processJobQueue(db, log);
  const jobQueue = await startCareAlertRaising(jobs);
  const harness = {
    db,
    prisma: db.prisma,
    config,
    pubsub,
    log,
    jobs,
    get keyring() {
      return keyring;
    },
    /** Rotation: a new current key first, the keys so far still listed for decryption. */
    rotateTo(kid: string) {
      keySpec = `${newKey(kid)},${keySpec}`;
      keyring = keyringFrom(parseTokenKeys(keySpec));
    },
    simulator: (provider: WearableProvider) => `http://127.0.0.1:${config.simulatorPorts[provider]}`,
    connectDeps: (): ConnectDeps => ({ prisma: db.prisma, config, keyring, pacing: localVendorPacing, queue: null }),
    syncDeps: (now?: () => Date): SyncDeps => ({ prisma: db.prisma, patientFacts: domainPorts(db.prisma).patientFacts, pubsub, jobQueue, config, keyring, pacing: localVendorPacing, log, now }),
    /** The whole OAuth round trip for a patient, as vendor account `login`. */
    async connect(profileId: string, provider: WearableProvider, login: string) {
      const started = await startConnection(harness.connectDeps(), { profileId, provider, createdBy: 'test' });
      const { code, state } = await approveAt(started.authorizationUrl, login);
      return completeConnection(harness.connectDeps(), { profileId, provider, code, state });
    },
    async stop() {
      for (const server of simulators) await server.stop();
      await jobs.stop();
      await pubsub.close();
      await db.dispose();
    },
  };
  return harness;
}
