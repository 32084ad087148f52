// Subscriptions: graphql-shield guards a Subscription field's resolve (each event), not its
// subscribe. The stream itself is authorized here, when it is opened, and the decision's
// audit row is written before the first event can flow.
import type { SubgraphContext } from '../server/context';
import { parseId } from '../graphql/errors';
import type { Resource } from './matrix';
import { authorize } from './rules';
import { outboxCatchUp, subscribeEvents } from '../outbox';

export async function authorizedStream<T>(ctx: SubgraphContext, resource: Resource, patientIdArgument: { name: string; value: string }, topic: (patientId: string) => string) {
  const patientId = parseId(patientIdArgument.name, patientIdArgument.value);
  const decision = authorize(ctx, resource, 'read', patientId);
  await ctx.audit.flush(ctx.prisma, ctx);
  if (decision !== true) throw decision;
  // Events come through the outbox (at least once): each reaches this subscriber once, caught up from the outbox if live delivery missed it.
  return subscribeEvents<T>(ctx.pubsub, topic(patientId), { catchUp: outboxCatchUp((sql, ...values) => ctx.prisma.$queryRawUnsafe(sql, ...values)), cursor: ctx.events });
}
