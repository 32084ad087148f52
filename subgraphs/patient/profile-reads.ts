// The patient list, its profiles and their memberships read past Prisma's model layer (ReadSql):
// the dashboard lists fifty patients per request. Rows are shaped as Prisma's models, so the
// resolvers cannot tell which way a profile was read (test/raw-reads.test.ts compares them).
import type { CustomerProfile, Membership } from '../../generated/prisma/client';
import type { ReadSql } from '../../shared/db/database';
import { withDays } from '../../shared/db/days';
import type { PageWindow } from '../../shared/graphql/pagination';

const PROFILE_COLUMNS = `p.id::text AS id, p.customer_id::text AS "customerId", p.first_name AS "firstName", p.last_name AS "lastName", p.email, p.phone,
  to_char(p.date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", p.sex::text AS sex, p.timezone, p.conditions, p.medications, p.allergies,
  p.height_cm AS "heightCm", p.weight_kg AS "weightKg", p.created_at AS "createdAt", p.updated_at AS "updatedAt"`;

/** Profiles whose first name, last name or email contains $1 (any case; `%` and `_` are themselves), all when $1 is null. */
const MATCHES_SEARCH = '($1::text IS NULL OR p.first_name ILIKE $1 OR p.last_name ILIKE $1 OR p.email ILIKE $1)';

const searchPattern = (search: string | undefined) => (search ? `%${search.replace(/[\\%_]/g, '\\$&')}%` : null);

export function profileReads(reads: ReadSql) {
  const profiles = async (sql: string, params: unknown[]) => withDays(await reads<CustomerProfile>(sql, params), ['dateOfBirth']);
  return {
    byIds: (ids: readonly string[]) => profiles(`SELECT ${PROFILE_COLUMNS} FROM patient_graph.customer_profiles AS p WHERE p.id = ANY($1::uuid[])`, [[...ids]]),
    /** A window of the list, newest first (created_at, then id: a total order), as connectionFromQuery asks for it. */
    page: (search: string | undefined, window: PageWindow) =>
      profiles(
        `SELECT ${PROFILE_COLUMNS} FROM patient_graph.customer_profiles AS p
          WHERE ${MATCHES_SEARCH}
            AND ($2::uuid IS NULL OR (p.created_at, p.id) < (SELECT c.created_at, c.id FROM patient_graph.customer_profiles AS c WHERE c.id = $2::uuid))
          ORDER BY p.created_at DESC, p.id DESC
          LIMIT $3`,
        // Prisma's cursor window (take n + 1 from the cursor row, skip it) is the n + 1 rows after it.
        [searchPattern(search), window.cursor?.id ?? null, window.take],
      ),
    count: async (search: string | undefined) =>
      (await reads<{ n: number }>(`SELECT count(*)::int AS n FROM patient_graph.customer_profiles AS p WHERE ${MATCHES_SEARCH}`, [searchPattern(search)]))[0].n,
    /** Each profile's memberships, latest first. */
    memberships: (ids: readonly string[]) =>
      reads<Membership>(
        `SELECT id::text AS id, profile_id::text AS "profileId", plan, status::text AS status, price_cents AS "priceCents", currency,
                started_at AS "startedAt", current_period_end AS "currentPeriodEnd", canceled_at AS "canceledAt", created_at AS "createdAt"
           FROM patient_graph.subscriptions WHERE profile_id = ANY($1::uuid[])
          ORDER BY started_at DESC, id DESC`,
        [[...ids]],
      ),
  };
}
