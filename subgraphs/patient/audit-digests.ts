// The patient subgraph (the audit trail's read side) signs its digests in the background: every
// AUDIT_DIGEST_INTERVAL_SECONDS, and once at start for any backlog. Each digest's hash is also
// logged, so a copy of the chain's head lives outside the database too.
import type { SubgraphDeps } from '../../shared/server/subgraph';
import { digestSigningKey } from '../../shared/rbac/digest-keys';
import { signPendingDigests } from '../../shared/rbac/digests';

export async function startAuditDigests(runtime: SubgraphDeps): Promise<() => Promise<void>> {
  const { config, db, log } = runtime;
  // Production without AUDIT_DIGEST_SIGNING_JWK stops here, with the setting named.
  const key = await digestSigningKey(config);
  const options = { maxRows: config.audit.digestMaxRows, lagSeconds: config.audit.digestLagSeconds };
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        for (const digest of await signPendingDigests(db.sql, key, options)) {
          log.info({ seq: digest.seq, lastId: digest.lastId, rows: digest.rows, digest: digest.hash }, 'signed an audit digest');
        }
      } catch (error) {
        log.error({ err: error }, 'signing an audit digest failed; the rows wait for the next one');
      }
    });
  };
  tick();
  const timer = setInterval(tick, config.audit.digestIntervalSeconds * 1000);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
