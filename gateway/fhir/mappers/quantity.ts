// A number with its unit as a FHIR Quantity: UCUM system and code when the unit is UCUM.
import type { Quantity } from '@medplum/fhirtypes';
import { UCUM } from '../terminology';

export function quantity(value: number, unit: string | null | undefined, ucumCode: string | null | undefined): Quantity {
  if (!ucumCode) return unit ? { value, unit } : { value };
  return { value, unit: unit ?? ucumCode, system: UCUM, code: ucumCode };
}
