// A printed collection time is a wall-clock time where the patient was drawn: read it in the
// patient's time zone. A date without a time is taken at local noon, so the calendar day
// stays the same wherever it is shown.
import type { PrintedDate } from '../extract/report';

function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - instant;
}

export function printedDateToInstant(date: PrintedDate, timeZone: string): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, date.hour ?? 12, date.minute ?? 0);
  try {
    // Twice: the offset at the first guess may differ from the one at the answer (DST change).
    const first = wall - offsetMs(wall, timeZone);
    return new Date(wall - offsetMs(first, timeZone));
  } catch {
    return new Date(wall); // an unknown zone: UTC
  }
}
