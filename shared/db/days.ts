// A DATE column read past Prisma (ReadSql) comes as text ('YYYY-MM-DD', from to_char) and is
// turned into what Prisma reads for it, midnight UTC, so a row read either way is the same:
// the driver's own DATE parsing would give midnight in the server's time zone.

/** Midnight UTC of a 'YYYY-MM-DD' day; null stays null. */
export function utcMidnight(day: string | null): Date | null {
  return day === null ? null : new Date(`${day}T00:00:00.000Z`);
}

/** The rows with each of `columns` (read as 'YYYY-MM-DD' text) turned into midnight UTC, in place. */
export function withDays<T>(rows: T[], columns: readonly (keyof T & string)[]): T[] {
  for (const row of rows) {
    const record = row as Record<string, unknown>;
    for (const column of columns) record[column] = utcMidnight(record[column] as string | null);
  }
  return rows;
}
