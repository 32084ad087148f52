// How often a dose is taken, as a small vocabulary every domain shares: the catalog lists the
// frequencies a peptide allows by these keys, protocol items are written in free text that must
// read as one of them ("twice weekly", "2x/week", "nightly", "daily with dinner"), and the daily
// total of a protocol counts each item's administrations on a dosing day.

export interface Frequency {
  /** The key the catalog stores, e.g. "daily", "2x weekly". */
  key: string;
  /** Administrations on a day the dose is taken (a weekly dose is one that day). */
  perDay: number;
}

const PER_DAY = ['daily', '2x daily', '3x daily', '4x daily'];
const PER_WEEK = ['weekly', '2x weekly', '3x weekly', '4x weekly', '5x weekly', '6x weekly'];
export const FREQUENCY_KEYS = [...PER_DAY, 'every other day', ...PER_WEEK, 'as needed'] as const;

const COUNT: Record<string, number> = { once: 1, one: 1, twice: 2, two: 2, thrice: 3, three: 3, four: 4, five: 5, six: 6, seven: 7 };

function frequency(key: string): Frequency {
  const perDay = PER_DAY.indexOf(key);
  return { key, perDay: perDay >= 0 ? perDay + 1 : 1 };
}

/** Count and period: "2x weekly", "twice a week", "3 times per day", "once daily", "5x/wk". */
const COUNTED = /^(\d|once|one|twice|two|thrice|three|four|five|six|seven)\s*(?:x|times?)?\s*(?:a|per|\/|every|each)?\s*(day|daily|night|nightly|d|week|weekly|wk|w)$/;
/** Trailing instructions that do not change how often: "daily with dinner", "nightly, at bedtime". */
const QUALIFIER = /\s*[,;(].*$|\s+(with|before|after|at|in|on|upon|fasting|fasted)\b.*$/;

function parse(text: string): Frequency | null {
  if (/^(as needed|prn|on demand|when needed)$/.test(text)) return frequency('as needed');
  if (/^(every other day|eod|qod|every 2 days|alternate days|on alternate days)$/.test(text)) return frequency('every other day');
  if (/^(daily|nightly|qd|qhs|every (day|night|morning|evening)|each (day|night)|once a day|in the (morning|evening)|at bedtime|bedtime)$/.test(text)) {
    return frequency('daily');
  }
  if (/^(bid|b\.i\.d\.)$/.test(text)) return frequency('2x daily');
  if (/^(tid|t\.i\.d\.)$/.test(text)) return frequency('3x daily');
  if (/^(weekly|every week|once a week|qw)$/.test(text)) return frequency('weekly');
  const counted = COUNTED.exec(text);
  if (!counted) return null;
  const count = COUNT[counted[1]] ?? Number(counted[1]);
  const daily = /^(day|daily|night|nightly|d)$/.test(counted[2]);
  if (daily) return count >= 1 && count <= 4 ? frequency(count === 1 ? 'daily' : `${count}x daily`) : null;
  if (count === 7) return frequency('daily');
  return count >= 1 && count <= 6 ? frequency(count === 1 ? 'weekly' : `${count}x weekly`) : null;
}

/** The vocabulary entry a written frequency means, or null when it reads as none of them. */
export function frequencyOf(written: string): Frequency | null {
  const text = written.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.!]+$/, '');
  if (!text) return null;
  return parse(text) ?? parse(text.replace(QUALIFIER, '').trim());
}

export function isFrequencyKey(key: string): boolean {
  return (FREQUENCY_KEYS as readonly string[]).includes(key);
}
