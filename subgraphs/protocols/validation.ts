import { DOSE_UNITS } from '../../shared/domain/clinical/dose-units';
import { ROUTES } from '../../shared/domain/clinical/routes';
import { FREQUENCY_KEYS, frequencyOf } from '../../shared/domain/clinical/frequencies';
import { badUserInput, parseId } from '../../shared/graphql/errors';
import type { OverrideInput } from './clinical';

export interface ItemInput {
  peptideId: string;
  doseAmount: number;
  doseUnit: string;
  frequency: string;
  route?: string | null;
  timing?: string | null;
  durationWeeks?: number | null;
  notes?: string | null;
  override?: OverrideInput | null;
}

/** The route an item without one is given (the column's default). */
export const DEFAULT_ROUTE = 'subcutaneous';


export function text(argument: string, value: string, max = 200): string {
  const trimmed = value.trim();
  if (!trimmed || trimmed.length > max) throw badUserInput(argument, `must be 1 to ${max} characters`);
  return trimmed;
}

export function optionalText(argument: string, value: string | null | undefined, max = 2000): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  return value.trim().length > max ? (() => { throw badUserInput(argument, `must be at most ${max} characters`); })() : value.trim() || null;
}

export function dose(argument: string, amount: number): number {
  if (!Number.isFinite(amount) || amount <= 0 || amount > 100_000) throw badUserInput(argument, 'must be a positive amount');
  return amount;
}

export function doseUnit(argument: string, unit: string): string {
  if (!(DOSE_UNITS as readonly string[]).includes(unit)) throw badUserInput(argument, `must be one of ${DOSE_UNITS.join(', ')}`);
  return unit;
}

/** Free text ("twice weekly", "daily with dinner") that must read as one of the frequency vocabulary's entries. */
export function frequency(argument: string, value: string): string {
  const written = text(argument, value, 100);
  if (!frequencyOf(written)) throw badUserInput(argument, `"${written}" is not a frequency we can read (e.g. ${FREQUENCY_KEYS.join(', ')})`);
  return written;
}

export function route(argument: string, value: string): string {
  if (!(ROUTES as readonly string[]).includes(value)) throw badUserInput(argument, `must be one of ${ROUTES.join(', ')}`);
  return value;
}

export function weeks(argument: string, value: number | null | undefined): number | null | undefined {
  if (value == null) return value;
  if (!Number.isInteger(value) || value < 1 || value > 520) throw badUserInput(argument, 'must be 1 to 520 weeks');
  return value;
}

export function itemData(prefix: string, input: ItemInput) {
  return {
    peptideId: parseId(`${prefix}.peptideId`, input.peptideId),
    doseAmount: dose(`${prefix}.doseAmount`, input.doseAmount),
    doseUnit: doseUnit(`${prefix}.doseUnit`, input.doseUnit),
    frequency: frequency(`${prefix}.frequency`, input.frequency),
    route: input.route == null ? undefined : route(`${prefix}.route`, input.route),
    timing: optionalText(`${prefix}.timing`, input.timing, 200),
    durationWeeks: weeks(`${prefix}.durationWeeks`, input.durationWeeks),
    notes: optionalText(`${prefix}.notes`, input.notes),
  };
}

export function dateWindow(startDate: Date | null | undefined, endDate: Date | null | undefined): void {
  if (startDate && endDate && endDate < startDate) throw badUserInput('input.endDate', 'is before input.startDate');
}
