// Why a turn failed, as the error event and the stored reply tell it.
import { ModelGaveUpError } from '../model/retry';

export interface TurnFailure {
  /** MODEL_OVERLOADED, MODEL_TIMEOUT, MODEL_RATE_LIMITED, MODEL_UNAVAILABLE, MODEL_ERROR, TURN_TIMEOUT, INTERRUPTED, INTERNAL. */
  code: string;
  /** For the user: what happened, without internals. */
  reason: string;
}

/** The signal's reason when the runner stops (shutdown), as opposed to the turn's deadline. */
export class TurnInterrupted extends Error {
  constructor() {
    super('the service is shutting down');
    this.name = 'TurnInterrupted';
  }
}

const MODEL_CODES = {
  overloaded: ['MODEL_OVERLOADED', 'the AI model is overloaded'],
  rate_limited: ['MODEL_RATE_LIMITED', 'the AI model is busy'],
  timeout: ['MODEL_TIMEOUT', 'the AI model did not answer in time'],
  server_error: ['MODEL_UNAVAILABLE', 'the AI model is unavailable'],
  connection: ['MODEL_UNAVAILABLE', 'the AI model could not be reached'],
} as const;

export function describeFailure(error: unknown, signal: AbortSignal): TurnFailure {
  if (signal.aborted) {
    return signal.reason instanceof TurnInterrupted
      ? { code: 'INTERRUPTED', reason: 'Luna was interrupted (the service restarted)' }
      : { code: 'TURN_TIMEOUT', reason: 'the answer took too long' };
  }
  if (error instanceof ModelGaveUpError) {
    const [code, what] = MODEL_CODES[error.last.kind];
    return { code, reason: `${what} (${error.attempts} attempt${error.attempts === 1 ? '' : 's'})` };
  }
  if (error instanceof Error && error.name.endsWith('Error') && 'status' in error) return { code: 'MODEL_ERROR', reason: 'the AI model refused the request' };
  return { code: 'INTERNAL', reason: 'something went wrong on our side' };
}

export function failureNote(failure: TurnFailure): string {
  return `Sorry, I couldn't finish this answer: ${failure.reason}. Your message is saved, so you can ask again.`;
}
