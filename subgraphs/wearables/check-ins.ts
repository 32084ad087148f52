import { badUserInput } from '../../shared/graphql/errors';

export interface CheckInInput {
  weekStart: Date;
  energy: number;
  sleepQuality: number;
  mood: number;
  stress: number;
  adherence: number;
  notes?: string | null;
}

const SCORES = ['energy', 'sleepQuality', 'mood', 'stress', 'adherence'] as const;
/** The earliest time zone (UTC+14) starts a week this long before that Monday's UTC midnight. */
const EARLIEST_ZONE_MS = 14 * 3_600_000;

/** Turns the GraphQL input into the check-in's columns, refusing anything out of range. */
export function validateCheckIn(input: CheckInInput, now = new Date()) {
  if (input.weekStart.getUTCDay() !== 1) throw badUserInput('input.weekStart', 'must be a Monday');
  if (input.weekStart.getTime() - EARLIEST_ZONE_MS > now.getTime()) throw badUserInput('input.weekStart', 'is a week that has not started');
  for (const field of SCORES) {
    const value = input[field];
    if (!Number.isInteger(value) || value < 1 || value > 10) throw badUserInput(`input.${field}`, 'must be a whole number from 1 to 10');
  }
  const notes = input.notes?.trim() || null;
  if (notes && notes.length > 2000) throw badUserInput('input.notes', 'must be at most 2000 characters');
  return {
    energy: input.energy,
    sleepQuality: input.sleepQuality,
    mood: input.mood,
    stress: input.stress,
    adherence: input.adherence,
    notes,
  };
}
