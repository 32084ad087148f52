// pg-boss over the platform's database, on PostgreSQL or the embedded PGlite: its `db` option
// through our own SQL runner, and the same for one Prisma transaction, so a job is sent in the
// transaction of the write that causes it (it exists exactly when its cause does).
import type PgBoss from 'pg-boss';
import type { Database } from '../db/database';

const LOCKED_SCRIPT = /^\s*BEGIN;([\s\S]*)COMMIT;\s*$/;
/** pg-boss's DDL: its schema scripts (create, migrate) and a queue's creation (a table partition and its constraints). */
const QUEUE_DDL = /^\s*BEGIN;|\bcreate_queue\s*\(/i;
/**
 * Held while pg-boss runs DDL: processes starting together on one database (each with its
 * queues to create) would otherwise alter pgboss.job's partitions at once and deadlock.
 */
export const QUEUE_DDL_LOCK_KEY = 72707372;

/**
 * pg-boss's `db` option over our database. Its maintenance and schema scripts arrive as
 * `BEGIN; ...; COMMIT;` text without parameters: on PGlite (whose parameterised query takes
 * one statement) they run as one script in one transaction; everything else is one query.
 * Its DDL runs under an advisory lock (QUEUE_DDL_LOCK_KEY), one process at a time.
 */
export function queueDb(db: Database): PgBoss.Db {
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (db.kind === 'pglite' && !values?.length) {
        const locked = LOCKED_SCRIPT.exec(text);
        if (locked) {
          await db.sql.execInTransaction(locked[1]);
          return { rows: [] };
        }
      }
      const run = () => db.sql.query(text, values?.length ? values : undefined);
      const rows = QUEUE_DDL.test(text) ? await db.sql.withAdvisoryLock(QUEUE_DDL_LOCK_KEY, run) : await run();
      return { rows: Array.isArray(rows) ? rows : [] };
    },
  };
}

/** What a Prisma interactive transaction offers for raw SQL. */
export interface RawTransaction {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

/** pg-boss's `db` option over an open Prisma transaction: values are bound as Prisma binds them (JSON as text). */
export function transactionDb(tx: RawTransaction): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      const bound = values.map((value) => (value === undefined ? null : value !== null && typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : value));
      const rows = await tx.$queryRawUnsafe<unknown[]>(text, ...bound);
      return { rows: Array.isArray(rows) ? rows : [] };
    },
  };
}
