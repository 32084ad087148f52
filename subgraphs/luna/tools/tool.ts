// What a Luna tool is: a JSON-schema'd function the model may call, run as a GraphQL
// operation against the supergraph with the user's token.
import type { ToolSpec } from '../model/provider';
import type { GraphClient } from '../../../shared/graphql/gateway-client';

export interface ToolContext {
  graph: GraphClient;
  /** The patient the conversation is about: the default of every patientId argument. */
  patientId: string;
}

export interface LunaTool extends ToolSpec {
  /** A result the model reads (compact JSON); throws ToolInputError or GraphRequestError. */
  run(input: Record<string, unknown>, context: ToolContext): Promise<unknown>;
}

/** The model's arguments do not fit the tool's schema. */
export class ToolInputError extends Error {
  readonly code = 'BAD_USER_INPUT';
}

/** The model asked for data outside the conversation's patient. */
export class ToolForbiddenError extends Error {
  readonly code = 'FORBIDDEN';
}

export const PATIENT_ID_PROPERTY = {
  type: 'string',
  description: "The patient's id. Leave it out: tools read only the patient this conversation is about.",
};

/**
 * The conversation's patient. Tools never follow the model to another id, whatever the user's
 * token could read: otherwise instructions planted in a conversation (or a lab report) could
 * make a staff member's turn copy one patient's data into another patient's conversation.
 */
export function patientIdOf(input: Record<string, unknown>, context: ToolContext): string {
  const value = input.patientId;
  if (value === undefined || value === null || value === '') return context.patientId;
  if (typeof value !== 'string') throw new ToolInputError('patientId must be a string');
  if (value.trim().toLowerCase() !== context.patientId.toLowerCase()) {
    throw new ToolForbiddenError('Luna reads only the data of the patient this conversation is about');
  }
  return context.patientId;
}

export function optionalStrings(input: Record<string, unknown>, name: string, max = 20): string[] {
  const value = input[name];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((item) => typeof item === 'string')) throw new ToolInputError(`${name} must be a list of strings`);
  return (list as string[]).map((item) => item.trim()).filter(Boolean).slice(0, max);
}

export function optionalInt(input: Record<string, unknown>, name: string, min: number, max: number, fallback: number): number {
  const value = input[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new ToolInputError(`${name} must be a whole number from ${min} to ${max}`);
  return value;
}

export function optionalEnum<T extends string>(input: Record<string, unknown>, name: string, allowed: readonly T[]): T | null {
  const value = input[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !allowed.includes(value.toUpperCase() as T)) throw new ToolInputError(`${name} must be one of ${allowed.join(', ')}`);
  return value.toUpperCase() as T;
}
