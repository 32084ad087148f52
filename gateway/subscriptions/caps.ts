// How many subscriptions may be open at once: per connection (one graphql-ws socket, one SSE
// stream) and per principal (one user or partner credential, over every connection and both
// transports of this gateway process). A subscription over either cap is refused with one
// OPERATION_LIMIT error naming the limit; nothing is opened upstream.
import type { GraphQLError } from 'graphql';
import { operationLimitError } from '../../shared/limits/operation';

export interface SubscriptionCapsOptions {
  /** SUBSCRIPTIONS_PER_CONNECTION. */
  perConnection: number;
  /** SUBSCRIPTIONS_PER_PRINCIPAL. */
  perPrincipal: number;
}

/** One connection's count (graphql-ws socket or SSE stream). */
export interface CappedConnection {
  open: number;
}

export class SubscriptionCaps {
  private readonly byPrincipal = new Map<string, number>();

  constructor(private readonly options: SubscriptionCapsOptions) {}

  /** Takes a slot for `principal` on `connection`: the release function (safe to call twice), or the refusal. */
  acquire(connection: CappedConnection, principal: string): (() => void) | GraphQLError {
    if (connection.open >= this.options.perConnection) {
      return operationLimitError({ limit: 'subscriptionsPerConnection', allowed: this.options.perConnection, measured: connection.open + 1 });
    }
    const held = this.byPrincipal.get(principal) ?? 0;
    if (held >= this.options.perPrincipal) {
      return operationLimitError({ limit: 'subscriptionsPerPrincipal', allowed: this.options.perPrincipal, measured: held + 1 });
    }
    connection.open += 1;
    this.byPrincipal.set(principal, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      connection.open -= 1;
      const left = (this.byPrincipal.get(principal) ?? 1) - 1;
      if (left > 0) this.byPrincipal.set(principal, left);
      else this.byPrincipal.delete(principal);
    };
  }

  /** Subscriptions `principal` holds open on this gateway. */
  heldBy(principal: string): number {
    return this.byPrincipal.get(principal) ?? 0;
  }
}
