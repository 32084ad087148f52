import { badUserInput } from '../../shared/graphql/errors';

export interface ProfileUpdateInput {
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  timezone?: string | null;
  conditions?: string[] | null;
  medications?: string[] | null;
  allergies?: string[] | null;
  heightCm?: number | null;
  weightKg?: number | null;
}

const PHONE = /^\+?[0-9 ()-]{7,20}$/;

function name(field: string, value: string): string {
  const trimmed = value.trim();
  if (!trimmed || trimmed.length > 100) throw badUserInput(`input.${field}`, 'must be 1 to 100 characters');
  return trimmed;
}

function list(field: string, values: string[]): string[] {
  if (values.length > 50) throw badUserInput(`input.${field}`, 'at most 50 entries');
  const cleaned = values.map((v) => v.trim()).filter(Boolean);
  if (cleaned.some((v) => v.length > 200)) throw badUserInput(`input.${field}`, 'entries must be at most 200 characters');
  return [...new Set(cleaned)];
}

function measure(field: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) throw badUserInput(`input.${field}`, `must be between ${min} and ${max}`);
  return value;
}

function isTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Turns the GraphQL input into a Prisma update, refusing anything implausible; null means "leave as is". */
export function validateProfileUpdate(input: ProfileUpdateInput) {
  const data: Record<string, unknown> = {};
  if (input.firstName != null) data.firstName = name('firstName', input.firstName);
  if (input.lastName != null) data.lastName = name('lastName', input.lastName);
  if (input.phone != null) {
    if (!PHONE.test(input.phone)) throw badUserInput('input.phone', 'is not a phone number');
    data.phone = input.phone;
  }
  if (input.timezone != null) {
    if (!isTimezone(input.timezone)) throw badUserInput('input.timezone', 'must be an IANA time zone such as Europe/Madrid');
    data.timezone = input.timezone;
  }
  if (input.conditions != null) data.conditions = list('conditions', input.conditions);
  if (input.medications != null) data.medications = list('medications', input.medications);
  if (input.allergies != null) data.allergies = list('allergies', input.allergies);
  if (input.heightCm != null) data.heightCm = measure('heightCm', input.heightCm, 50, 250);
  if (input.weightKg != null) data.weightKg = measure('weightKg', input.weightKg, 20, 400);
  if (Object.keys(data).length === 0) throw badUserInput('input', 'names no field to change');
  return data;
}
