// Opens the platform's one database: a PostgreSQL server when DATABASE_URL is set,
// otherwise an embedded PGlite in the data folder. Both run the same migrations and
// are reached through the same Prisma client, so no code path knows which it has.
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PGlite as PGliteType } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import pg from 'pg';
import { PrismaClient } from '../../generated/prisma/client';
import { measureQuery } from '../metrics';
import { countStatementForRequest } from '../observability/request-sql';
import { withSpan } from '../observability/spans';
import { SpanKind } from '@opentelemetry/api';

export type Prisma = PrismaClient;

/** Raw SQL access for the migrator and the seed, outside Prisma's model layer. */
export interface SqlRunner {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `sqlScript` (many statements, `$$` bodies included) and `after` atomically. */
  execInTransaction(sqlScript: string, after?: { sql: string; params: unknown[] }): Promise<void>;
  /** Runs `fn` while holding a session-level advisory lock (a no-op for the one-process PGlite). */
  withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
}

/**
 * A read sent past Prisma's model layer, on the application's connections: for the hot loaders,
 * where Prisma's query building and row mapping cost about three times the driver's own work.
 * Counted and timed as Prisma's statements are.
 */
export type ReadSql = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/** The same reads through Prisma's raw query (and so its counting adapter), where no driver is at hand. */
export const prismaReads = (prisma: PrismaClient): ReadSql => (sql, params = []) => prisma.$queryRawUnsafe(sql, ...params);

/**
 * PGlite's reads in a span of their own, with the statement's text (placeholders, no values):
 * a server's statements get the pg driver's spans, the embedded database has no instrumentation.
 */
function tracedReads(reads: ReadSql): ReadSql {
  return (text, params) =>
    withSpan('pglite.query', { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.query.text': text } }, () => reads(text, params));
}

function countedReads(sql: SqlRunner): ReadSql {
  return (text, params) => {
    countStatementForRequest();
    return measureQuery('query', () => sql.query(text, params));
  };
}

export interface Database {
  kind: 'postgres' | 'pglite';
  /** Human description for logs: never includes a password. */
  description: string;
  prisma: PrismaClient;
  /** As the application's role (DATABASE_URL). */
  sql: SqlRunner;
  /** Loaders' reads, as the application's role, counted per request like Prisma's statements. */
  reads: ReadSql;
  /**
   * As the schema's owner (DATABASE_OWNER_URL): migrations and grants. The same runner as `sql`
   * when there is no separate owner (one role, or the embedded PGlite); otherwise its own small
   * pool, opened on first use.
   */
  owner: SqlRunner;
  /** Whether `owner` is another role than `sql`'s (then the application role gets only what it needs). */
  separateOwner: boolean;
  close(): Promise<void>;
}

export class DatabaseStartupError extends Error {}

/** Seconds to keep retrying an unreachable server before giving up with a clear message. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  /** The schema owner's URL on the same server and database (DATABASE_OWNER_URL); unset = DATABASE_URL owns it. */
  ownerUrl?: string;
  dataDir: string;
  poolSize?: number;
  connectTimeoutMs?: number;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPglite(options.dataDir);
}

/**
 * The embedded database's buffer pool. PostgreSQL's default (128 MB) stays resident in this
 * process once touched, and the all-in-one process is meant to idle small; the demo data set is
 * read through the OS page cache beyond it. A server (DATABASE_URL) keeps its own setting.
 */
export const PGLITE_SHARED_BUFFERS = '16MB';

/** Pool size of the owner's connections: migrations and grants run one at a time. */
const OWNER_POOL_SIZE = 2;

function databaseNameOf(url: string): string {
  try {
    return new URL(url).pathname.replace(/^\//, '');
  } catch {
    return '';
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const description = `PostgreSQL ${redact(url)}`;
  if (options.ownerUrl && databaseNameOf(options.ownerUrl) !== databaseNameOf(url)) {
    throw new DatabaseStartupError('DATABASE_OWNER_URL and DATABASE_URL must name the same database (the owner migrates the one the application uses)');
  }
  const timeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const pool = quietPool(url, options.poolSize ?? 10);
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      await pool.query('SELECT 1');
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await pool.end().catch(() => {});
        throw new DatabaseStartupError(
          `Cannot reach the database at ${description} after ${timeout / 1000}s: ${(error as Error).message}`,
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const sql = poolRunner(pool);
  let ownerPool: pg.Pool | undefined;
  const owner: SqlRunner = options.ownerUrl ? lazyRunner(() => (ownerPool ??= quietPool(options.ownerUrl!, OWNER_POOL_SIZE))) : sql;
  const prisma = new PrismaClient({ adapter: counting(new PrismaPg(pool)) });
  return {
    kind: 'postgres',
    description,
    prisma,
    sql,
    reads: countedReads(sql),
    owner,
    separateOwner: Boolean(options.ownerUrl),
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
      await ownerPool?.end().catch(() => {});
    },
  };
}

function quietPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5_000 });
  pool.on('error', () => {
    // An idle client dropped by the server: the pool replaces it; queries report their own errors.
  });
  return pool;
}

/** A runner over a pool made on first use (the owner's: most processes need it only at start). */
function lazyRunner(pool: () => pg.Pool): SqlRunner {
  return {
    query: (text, params) => poolRunner(pool()).query(text, params),
    execInTransaction: (script, after) => poolRunner(pool()).execInTransaction(script, after),
    withAdvisoryLock: (key, fn) => poolRunner(pool()).withAdvisoryLock(key, fn),
  };
}

function poolRunner(pool: pg.Pool): SqlRunner {
  return {
    async query(text, params) {
      return (await pool.query(text, params as unknown[])).rows;
    },
    async execInTransaction(script, after) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(script);
        if (after) await client.query(after.sql, after.params as unknown[]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async withAdvisoryLock(key, fn) {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [key]);
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => {});
        client.release();
      }
    },
  };
}

/**
 * PGlite's WebAssembly, compiled on this thread. Left to itself, PGlite compiles it with
 * `WebAssembly.instantiate`, whose background compilation then held the main thread in a wait
 * of ~200 ms soon after the database opened (measured on Node 20: a 20 ms timer fired after
 * 180-250 ms); compiled here (~90 ms, lazily per function) the wait is gone.
 */
function compilePgliteWasm(): WebAssembly.Module {
  return new WebAssembly.Module(readFileSync(path.join(path.dirname(require.resolve('@electric-sql/pglite')), 'pglite.wasm')));
}

async function openPglite(dataDir: string): Promise<Database> {
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.R_OK | constants.W_OK);
  } catch (error) {
    throw new DatabaseStartupError(
      `The embedded database folder ${dataDir} cannot be read and written (${(error as NodeJS.ErrnoException).code}). ` +
        'Fix its permissions, or set DATA_DIR to another folder, or DATABASE_URL to a PostgreSQL server.',
    );
  }
  // PGlite ships as ESM; its CommonJS entry loads it with a dynamic import.
  const { PGlite } = await import('@electric-sql/pglite');
  let db: PGliteType;
  try {
    db = await PGlite.create(`${dataDir}/pgdata`, {
      pgliteWasmModule: compilePgliteWasm(),
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
    });
  } catch (error) {
    throw new DatabaseStartupError(
      `The embedded database in ${dataDir}/pgdata could not be opened: ${(error as Error).message}. ` +
        'If it was written by another PGlite version or is damaged, move the folder away to start fresh.',
    );
  }
  const sql: SqlRunner = {
    async query(text, params) {
      return (await db.query(text, params as unknown[])).rows as never[];
    },
    async execInTransaction(script, after) {
      // pglite-prisma-adapter's executeScript does not await exec(): run scripts here (docs/adr/0003-pglite-default.md).
      await db.transaction(async (tx) => {
        await tx.exec(script);
        if (after) await tx.query(after.sql, after.params as unknown[]);
      });
    },
    withAdvisoryLock: (_key, fn) => fn(),
  };
  const prisma = new PrismaClient({ adapter: counting(new PrismaPGlite(db)) });
  return {
    kind: 'pglite',
    description: `embedded PGlite in ${dataDir}/pgdata`,
    prisma,
    sql,
    reads: tracedReads(countedReads(sql)),
    // One process, one role: the embedded database needs no second one.
    owner: sql,
    separateOwner: false,
    async close() {
      await prisma.$disconnect();
      await db.close();
    },
  };
}

// Every SQL statement Prisma sends passes through the driver adapter's queryRaw or
// executeRaw: counting (and timing) there gives the real statement count (the N+1 test and the
// bench read it), whatever Prisma compiles one operation into.
const COUNTED = new Map<string | symbol, 'query' | 'execute'>([
  ['queryRaw', 'query'],
  ['executeRaw', 'execute'],
]);
function counting<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj);
      if (typeof value !== 'function') return value;
      const statement = COUNTED.get(prop);
      if (statement) {
        return (...args: unknown[]) => {
          countStatementForRequest();
          return measureQuery(statement, () => value.apply(obj, args));
        };
      }
      if (prop === 'connect' || prop === 'startTransaction') {
        return async (...args: unknown[]) => counting(await value.apply(obj, args));
      }
      return value.bind(obj);
    },
  });
}
