// Calls `onEnd` exactly once when a client subscription ends, however it ends: the client
// stops it (return), the upstream completes (next → done), it fails (throw) or is terminated.
import type { ClientSubscription } from './execute';

export function onceEnded(subscription: ClientSubscription, onEnd: () => void): ClientSubscription {
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  const next = subscription.next.bind(subscription);
  const stop = subscription.return!.bind(subscription);
  const fail = subscription.throw!.bind(subscription);
  subscription.next = async () => {
    try {
      const step = await next();
      if (step.done) end();
      return step;
    } catch (error) {
      end();
      throw error;
    }
  };
  subscription.return = async () => {
    end();
    return stop();
  };
  subscription.throw = async (error) => {
    end();
    return fail(error);
  };
  return subscription;
}
