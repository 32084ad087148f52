// npm run audit:verify [-- --json]: checks the audit trail (patient_graph.rbac_logs) against its
// signed digests and names every row changed, deleted or inserted since a digest signed its
// range, and every digest missing, altered or out of the chain. Exit code 0: intact; 1: problems
// found; 2: could not check. It only reads, with DATABASE_URL (or the embedded database in
// DATA_DIR: stop `npm start` first, PGlite belongs to one process) and the digests' public key
// (AUDIT_DIGEST_JWKS, else the signing key's public half).
import { loadConfig, SettingsError } from '../shared/config';
import { openDatabase } from '../shared/db/database';
import { digestVerificationKeys } from '../shared/rbac/digest-keys';
import { verifyAuditTrail } from '../shared/rbac/digests';

async function main(): Promise<number> {
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, connectTimeoutMs: config.databaseConnectTimeoutMs });
  try {
    const report = await verifyAuditTrail(db.sql, await digestVerificationKeys(config));
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      console.log(
        `Audit trail in ${db.description}: ${report.digests} digest(s) cover ${report.rowsCovered} row(s) (ids through ${report.coveredThrough}); ` +
          `${report.pendingRows} newer row(s) wait for the next digest.`,
      );
      for (const finding of report.findings) console.log(`PROBLEM ${finding.message}`);
      console.log(report.findings.length ? `${report.findings.length} problem(s) found.` : 'Intact: every signed row is as it was signed.');
    }
    return report.findings.length ? 1 : 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof SettingsError ? error.message : `Could not check the audit trail: ${(error as Error).message}`);
    process.exit(2);
  },
);
