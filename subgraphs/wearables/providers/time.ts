// Time helpers the provider mappings share. A vendor's daily summary (a sleep score, a day's
// steps) is a value for a calendar day, not an instant: it is stored at 12:00 on that day in
// the patient's time zone (or at the sync's time, for today before noon), so the daily
// statistics count it for that very day.
const DAY_MS = 86_400_000;
const wallClocks = new Map<string, Intl.DateTimeFormat>();

function wallClock(timeZone: string): Intl.DateTimeFormat {
  let format = wallClocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    wallClocks.set(timeZone, format);
  }
  return format;
}

/** How far `timeZone`'s wall clock is ahead of UTC at `instant`, in ms. */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const parts = Object.fromEntries(wallClock(timeZone).formatToParts(instant).map((part) => [part.type, part.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

/** 12:00 on `day` (YYYY-MM-DD) in `timeZone`, as an instant. */
export function zonedNoon(day: string, timeZone: string): Date {
  const guess = Date.parse(`${day}T12:00:00.000Z`);
  return new Date(guess - zoneOffsetMs(new Date(guess), timeZone));
}

/** Where a daily summary of `day` is stored: noon there, or now when today's noon is still ahead. */
export function summaryInstant(day: string, context: { timeZone: string; now: Date }): Date {
  const noon = zonedNoon(day, context.timeZone);
  return noon.getTime() > context.now.getTime() ? context.now : noon;
}

export const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** The UTC calendar days [start, end] touches, oldest first. */
export function daysOf(start: Date, end: Date): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${isoDay(start)}T00:00:00.000Z`); t <= end.getTime(); t += DAY_MS) days.push(isoDay(new Date(t)));
  return days;
}

/** An instant from a vendor timestamp; one without a zone is UTC (Dexcom's systemTime). */
export function vendorInstant(value: unknown): Date | null {
  if (typeof value !== 'string' || !value) return null;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const date = new Date(zoned);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function isDay(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
}

/** Rounds to `decimals` places (vendor floats arrive with noise). */
export const round = (value: number, decimals = 1) => Math.round(value * 10 ** decimals) / 10 ** decimals;
