// A DATE column read past Prisma (ReadSql) comes as text ('YYYY-MM-DD', from to_char) and is
// turned into what Prisma reads for it, midnight UTC, so a row read either way is the same:
// the driver's own DATE parsing would give midnight in the server's time zone.

/** The rows with each of `columns` (read as 'YYYY-MM-DD' text, or null) turned into midnight UTC, in place. */
export function withDays<T>(rows: T[], columns: readonly (keyof T & string)[]): T[] {
  for (const row of rows) {
    const record = row as Record<string, unknown>;
    for (const column of columns) if (record[column] !== null) record[column] = new Date(`${record[column] as string}T00:00:00.000Z`);
  }
  return rows;
}
