// Runs turns in the background of the luna process: started by sendLunaMessage, owned by no
// request (a client that disconnects does not stop one), each under the turn deadline. On
// shutdown running turns get a grace period, then are interrupted and stored as failed.
import { TurnInterrupted } from './failure';
import { runTurn, type TurnDeps, type TurnRequest } from './engine';
import { withSpan } from '../../../shared/observability/spans';

/** How long a stopping process lets running turns finish before interrupting them. */
export const SHUTDOWN_GRACE_MS = 5_000;

export class TurnRunner {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(readonly deps: TurnDeps) {}

  start(request: TurnRequest): void {
    const controller = new AbortController();
    const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(this.deps.config.turnTimeoutMs)]);
    // Started inside sendLunaMessage's request: the turn's span continues that request's trace,
    // and the model call and the tools' calls to the graph are its children.
    const done = withSpan('luna.turn', { attributes: { 'loop.service': 'luna' } }, () => runTurn(request, this.deps, signal))
      .catch((error) => this.deps.log.error({ err: error, turnId: request.turnId }, 'Luna: turn crashed'))
      .finally(() => this.running.delete(request.turnId));
    this.running.set(request.turnId, { controller, done });
  }

  get size(): number {
    return this.running.size;
  }

  async stop(graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
    const all = () => Promise.all([...this.running.values()].map((turn) => turn.done));
    await Promise.race([all(), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    for (const turn of this.running.values()) turn.controller.abort(new TurnInterrupted());
    await all();
  }
}
