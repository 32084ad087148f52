// A new, empty database on a PostgreSQL server, for a test run or a benchmark to own and drop.
// With an owner URL (DATABASE_OWNER_URL, a role with CREATEDB) the owner creates and owns it and
// the application role (serverUrl's) is granted its rights by the first migration run, as in
// production; without one, serverUrl's role does both.
import pg from 'pg';

export interface ScratchDatabase {
  /** The application's URL of the new database. */
  url: string;
  /** The owner's URL of the new database, when an owner URL was given. */
  ownerUrl?: string;
  drop(): Promise<void>;
}

/** "database is being accessed by other users". */
const OBJECT_IN_USE = '55006';
/** How long a drop waits for the database's last sessions to end before forcing them out. */
const DROP_WAIT_MS = 5_000;

const inDatabase = (serverUrl: string, name: string) => {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

export async function createScratchDatabase(serverUrl: string, prefix = 'loop_scratch', ownerServerUrl?: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${Date.now()}_${process.pid}`;
  const creator = ownerServerUrl ?? serverUrl;
  const admin = new pg.Client({ connectionString: creator });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return {
    url: inDatabase(serverUrl, name),
    ownerUrl: ownerServerUrl ? inDatabase(ownerServerUrl, name) : undefined,
    async drop() {
      const client = new pg.Client({ connectionString: creator });
      await client.connect();
      try {
        // Sessions just closed may linger a moment on the server; an owner that is not a member of
        // the application role may not end them (FORCE), so wait for them to go first.
        const deadline = Date.now() + DROP_WAIT_MS;
        for (;;) {
          try {
            await client.query(`DROP DATABASE IF EXISTS "${name}"`);
            return;
          } catch (error) {
            if ((error as { code?: string }).code !== OBJECT_IN_USE) throw error;
            if (Date.now() > deadline) break;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
