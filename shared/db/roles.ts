// Two database roles on PostgreSQL: the owner (DATABASE_OWNER_URL) migrates the schema; the
// application (DATABASE_URL) reads and writes data, but on the audit tables it may only INSERT
// and SELECT. Not owning them, it cannot ALTER TABLE … DISABLE TRIGGER either, so the trail
// is append-only for the application whatever its code does. Grants are re-applied after every
// migration (new tables included). The embedded PGlite is one process and needs no roles.
import type { SqlRunner } from './database';

/** The schemas of the platform's tables (prisma/schema.prisma). */
export const APP_SCHEMAS = ['patient_graph', 'health', 'payload'] as const;
/** Tables the application may only append to and read. */
export const AUDIT_TABLES = ['patient_graph.rbac_logs', 'patient_graph.audit_digests'] as const;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

export async function currentRole(sql: SqlRunner): Promise<string> {
  const [row] = await sql.query<{ role: string }>('SELECT current_user AS role');
  return row.role;
}

/** Run as the owner: gives `role` what the application needs, and on the audit tables no more than INSERT and SELECT. */
export async function grantApplicationRole(owner: SqlRunner, role: string): Promise<void> {
  const app = ident(role);
  const schemas = APP_SCHEMAS.join(', ');
  await owner.execInTransaction(`
    GRANT USAGE ON SCHEMA ${schemas} TO ${app};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schemas} TO ${app};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schemas} TO ${app};
    REVOKE ALL ON ${AUDIT_TABLES.join(', ')} FROM ${app};
    GRANT SELECT, INSERT ON ${AUDIT_TABLES.join(', ')} TO ${app};
    GRANT SELECT ON "_prisma_migrations" TO ${app};
    -- The job queue (pg-boss) keeps, and migrates, a schema of its own.
    DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO %I', current_database(), ${literal(role)}); END $$;
  `);
}

export interface AuditAccess {
  role: string;
  /** Why this role could rewrite the audit trail; empty when it can only append and read. */
  rewrites: string[];
}

/** What the connected role could do to the audit tables beyond INSERT and SELECT. */
export async function auditAccess(sql: SqlRunner): Promise<AuditAccess> {
  const rows = await sql.query<{ role: string; table: string; superuser: boolean; owner: boolean; update: boolean; delete: boolean; truncate: boolean }>(
    `SELECT current_user AS role, t.name AS table, r.rolsuper AS superuser,
            pg_has_role(current_user, c.relowner, 'USAGE') AS owner,
            has_table_privilege(current_user, c.oid, 'UPDATE') AS update,
            has_table_privilege(current_user, c.oid, 'DELETE') AS delete,
            has_table_privilege(current_user, c.oid, 'TRUNCATE') AS truncate
       FROM unnest($1::text[]) AS t(name)
       JOIN pg_class c ON c.oid = to_regclass(t.name)
       JOIN pg_roles r ON r.rolname = current_user`,
    [[...AUDIT_TABLES]],
  );
  const rewrites: string[] = [];
  for (const row of rows) {
    if (row.superuser) rewrites.push('is a superuser');
    if (row.owner) rewrites.push(`owns ${row.table} (so it can disable its append-only trigger)`);
    const verbs = (['update', 'delete', 'truncate'] as const).filter((verb) => row[verb]).map((verb) => verb.toUpperCase());
    if (verbs.length) rewrites.push(`may ${verbs.join(', ')} ${row.table}`);
  }
  return { role: rows[0]?.role ?? (await currentRole(sql)), rewrites: [...new Set(rewrites)] };
}
