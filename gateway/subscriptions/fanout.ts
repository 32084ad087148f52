// Subscription fan-out: client subscriptions whose events resolve the same way (the same
// selection and variables, and the same authorization context: the caller's claims, so the same
// role and principal) form a group that shares one upstream stream from the owning subgraph and
// one completion of each event through the rest of the plan (so one batched `_entities` fetch
// per subgraph per event, however many subscribers); the result goes to each of them.
// Every subscriber is still authorized by the owning subgraph's own rules and audited: the
// group's first subscriber (its owner) opens the stream; every later one opens a held
// subscription (shared/trust/audience.ts) that runs the same subscribe check and writes its audit
// row, then sends nothing; only once that is acknowledged does the subscriber get the group's
// events (refused, it gets the refusal, as before). The subgraph thus still serves one
// subscription per client subscription. Each event's fetches name the group's subscribers as
// their audience: every subgraph writes each subscriber's audit rows, in one statement per event.
// When the owner leaves, another subscriber takes the stream over (its held subscription ends).
// Subscriptions whose stream starts with kept events (a replay) are never shared.
// Each event is serialized once per group and written to every member that has a socket sink
// (graphql-ws: serialized.ts); the others (SSE) get the result through their own stream.
import { randomUUID } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import client from 'prom-client';
import { registry } from '../../shared/metrics';
import { HELD_ACK, HELD_EXTENSION, type AudienceMember } from '../../shared/trust/audience';
import type { GatewayContext } from '../context';
import type { ClientSubscription, PreparedSubscription, SubscriptionDeps, SubscriptionRequest } from './execute';
import type { SubscriptionPlanner } from './planner';
import { nextPayloadJson, type SerializedSink } from './serialized';
import { publishedAtOf, type UpstreamPool } from './upstream';

/** Root fields whose stream starts with events kept for late subscribers (subscribeWithReplay): each subscriber has its own. */
export const PER_SUBSCRIBER_FIELDS: ReadonlySet<string> = new Set(['lunaResponse']);

const groupsOpen = new client.Gauge({
  name: 'gateway_subscription_groups',
  help: 'Upstream subscription streams open on this gateway, each shared by a group of client subscriptions (fan-out)',
  registers: [registry],
});
const resolutions = new client.Counter({
  name: 'gateway_subscription_event_resolutions_total',
  help: 'Subscription events completed through the query plan: once per event per group, whatever its size',
  registers: [registry],
});
/** Seconds buckets of an event's stages at the gateway: the target is 100 ms from publish to delivery. */
export const EVENT_STAGE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const eventStages = new client.Histogram({
  name: 'gateway_subscription_event_stage_seconds',
  help: 'Each fanned-out subscription event, per group: completing it through the plan (the other subgraphs\' fetches and their audit rows: "complete") and handing the result to every member ("deliver")',
  labelNames: ['stage'],
  buckets: EVENT_STAGE_BUCKETS,
  registers: [registry],
});
/** Seconds buckets from an event's publication to its delivery here (the target: p99 ≤ 100 ms at 1,000 subscribers). */
export const PUBLISH_TO_DELIVERY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5];
const publishToDelivery = new client.Histogram({
  name: 'gateway_subscription_publish_to_delivery_seconds',
  help: "From an event's publication by the outbox relay to its result handed to every member of a group (one observation per event per group; the publisher's clock against this one's, so across machines it includes their skew); events read back from the outbox carry no time and are not counted",
  buckets: PUBLISH_TO_DELIVERY_BUCKETS,
  registers: [registry],
});
const deliveries = new client.Counter({
  name: 'gateway_subscription_event_deliveries_total',
  help: 'Subscription results handed to client subscriptions',
  registers: [registry],
});

type Upstream = AsyncIterableIterator<ExecutionResult>;
const DONE = { value: undefined, done: true } as const;

/** One client subscription: a queue of the results meant for it. */
class Member implements ClientSubscription {
  private readonly queue: ExecutionResult[] = [];
  private wake: (() => void) | null = null;
  private finished = false;
  private failure: { error: unknown } | null = null;
  left = false;
  /** Its own held upstream subscription (every member but the group's owner). */
  held: Upstream | null = null;
  /** Its group: the one it holds for, then the one it joined. */
  group!: Group;

  constructor(
    readonly context: GatewayContext,
    private readonly onLeave: (member: Member) => void,
    private readonly sink?: SerializedSink,
  ) {}

  /** One of its group's events: written serialized when it has a sink (and nothing queued before it), else queued. */
  deliver(result: ExecutionResult, serialized: () => string): void {
    if (this.finished) return;
    if (this.sink && this.queue.length === 0) this.sink.next(serialized());
    else this.push(result);
  }

  get audience(): AudienceMember {
    const { requestId, correlationId, clientIp, operationName } = this.context;
    return { requestId, correlationId, clientIp, operationName };
  }

  push(result: ExecutionResult): void {
    if (this.finished) return;
    this.queue.push(result);
    this.wakeUp();
  }

  /** No more results after the queued ones. */
  finish(): void {
    this.finished = true;
    this.wakeUp();
  }

  fail(error: unknown): void {
    if (this.finished) return;
    this.failure = { error };
    this.finish();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    for (;;) {
      if (this.queue.length) return { value: this.queue.shift()!, done: false };
      if (this.finished) {
        this.leave();
        if (this.failure) {
          const { error } = this.failure;
          this.failure = null;
          throw error;
        }
        return DONE;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.queue.length = 0;
    this.finish();
    this.leave();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.return();
    throw error;
  }

  terminate(last: ExecutionResult): void {
    this.queue.length = 0;
    this.push(last);
    this.finish();
    this.leave();
  }

  private leave(): void {
    if (this.left) return;
    this.left = true;
    this.onLeave(this);
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

/** Subscribers sharing one upstream stream and one completion per event. */
class Group {
  /** Members receiving events: the owner and every acknowledged held subscriber. */
  readonly members = new Set<Member>();
  owner: Member | null = null;
  carrier: Upstream | null = null;
  closed = false;
  /** Aborts the group's in-flight fetches when it closes (no single subscriber's connection does). */
  readonly abort = new AbortController();
  private current: { members: Member[]; audience: AudienceMember[] } | null = null;

  constructor(
    readonly key: string | null,
    readonly prepared: PreparedSubscription,
  ) {}

  join(member: Member): void {
    member.group = this;
    this.members.add(member);
    this.current = null;
  }

  remove(member: Member): boolean {
    const removed = this.members.delete(member);
    if (removed) this.current = null;
    return removed;
  }

  /**
   * The members an event is completed for, and their requests (the audience of its fetches' audit
   * rows). The event goes to these members only: one admitted while it is being completed has no
   * audit row for its fetches, and starts with the next event.
   */
  snapshot(): { members: Member[]; audience: AudienceMember[] } {
    if (!this.current) {
      const members = [...this.members];
      this.current = { members, audience: members.map((member) => member.audience) };
    }
    return this.current;
  }
}

/** A JSON text of `value` with object keys sorted: equal variables give equal keys. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.keys(inner).sort().map((name) => [name, inner[name]])) : inner,
  );
}

export class SubscriptionFanout {
  private readonly groups = new Map<string, Group>();
  /** Plans change with the supergraph: a group never outlives the planner it was made with. */
  private readonly generations = new WeakMap<SubscriptionPlanner, number>();
  private lastGeneration = 0;

  constructor(
    private readonly upstream: UpstreamPool,
    private readonly options: { /** Called as each event is delivered (gateway/shared-reads.ts ends its join windows). */ onEvent?: () => void } = {},
  ) {}

  /** Client subscriptions sharing a stream, by group. */
  get groupCount(): number {
    return this.groups.size;
  }

  open(request: SubscriptionRequest, prepared: PreparedSubscription, deps: Pick<SubscriptionDeps, 'planner'>): ClientSubscription {
    const member = new Member(request.context, (left) => this.leave(left), request.sink);
    const key = this.keyOf(request, prepared, deps.planner());
    const group = key === null ? undefined : this.groups.get(key);
    if (group) this.hold(group, member);
    else this.start(key, prepared, member);
    return member;
  }

  private keyOf(request: SubscriptionRequest, prepared: PreparedSubscription, planner: SubscriptionPlanner): string | null {
    const authorizationContext = request.context.authorizationContext;
    if (!authorizationContext || prepared.rootFields.some((field) => PER_SUBSCRIBER_FIELDS.has(field))) return null;
    let generation = this.generations.get(planner);
    if (generation === undefined) this.generations.set(planner, (generation = ++this.lastGeneration));
    return canonical([generation, authorizationContext, request.operationName ?? null, prepared.source, request.variables]);
  }

  /** A new group with `member` as its owner: its stream is the group's. */
  private start(key: string | null, prepared: PreparedSubscription, member: Member): void {
    const group = new Group(key ?? `unshared:${randomUUID()}`, prepared);
    if (key !== null) this.groups.set(key, group);
    groupsOpen.inc();
    group.owner = member;
    group.join(member);
    const carrier = this.upstream.subscribe(prepared.service, prepared.upstreamRequest(member.context));
    group.carrier = carrier;
    void this.pump(group, carrier);
  }

  /** Each upstream event, completed once with the owner's credentials, to every member. */
  private async pump(group: Group, carrier: Upstream): Promise<void> {
    let failure: { error: unknown } | null = null;
    try {
      for (;;) {
        const step = await carrier.next();
        if (group.closed) return;
        if (step.done) break;
        const { members, audience } = group.snapshot();
        // No audit batch: the subgraphs write the event's rows for every subscriber before answering, so before it is delivered.
        const context: GatewayContext = { ...group.owner!.context, signal: group.abort.signal, audience, auditBatch: undefined };
        resolutions.inc();
        const completing = eventStages.startTimer({ stage: 'complete' });
        const result = await group.prepared.complete(step.value, context);
        completing();
        if (group.closed) return;
        // Serialized once for the whole group, on first use.
        let json: string | undefined;
        const serialized = () => (json ??= nextPayloadJson(result));
        this.options.onEvent?.();
        const delivering = eventStages.startTimer({ stage: 'deliver' });
        let delivered = 0;
        for (const member of members) {
          if (!group.members.has(member)) continue;
          member.deliver(result, serialized);
          delivered++;
        }
        delivering();
        deliveries.inc(delivered);
        const publishedAt = publishedAtOf(step.value);
        if (publishedAt !== undefined) publishToDelivery.observe(Math.max(0, Date.now() - publishedAt) / 1000);
      }
    } catch (error) {
      failure = { error };
    }
    const members = [...group.members];
    this.close(group);
    for (const member of members) {
      if (failure) member.fail(failure.error);
      else member.finish();
    }
  }

  /** A later subscriber: authorized and audited by its own held subscription, then a member. */
  private hold(group: Group, member: Member): void {
    member.group = group;
    const held = this.upstream.subscribe(group.prepared.service, group.prepared.upstreamRequest(member.context, { [HELD_EXTENSION]: true }));
    member.held = held;
    void this.watchHeld(member, held);
  }

  private async watchHeld(member: Member, held: Upstream): Promise<void> {
    let acknowledged = false;
    try {
      for (;;) {
        const step = await held.next();
        // It left, or took its group's stream over: the held subscription has done its part.
        if (member.left || member.held !== held) return;
        if (step.done) {
          // The subgraph ended it: so does the subscriber, as its own stream would have ended.
          member.finish();
          return;
        }
        if ((step.value.extensions as Record<string, unknown> | undefined)?.[HELD_ACK]) {
          // A reconnected upstream subscribes again and acknowledges again.
          if (acknowledged) continue;
          acknowledged = true;
          this.admit(member);
          continue;
        }
        // The subscribe check refused it (or the subgraph failed): the subscriber gets that, as before.
        member.push(await member.group.prepared.complete(step.value, member.context));
      }
    } catch (error) {
      if (!member.left) member.fail(error);
    }
  }

  /** An authorized subscriber joins its group, or, the group gone, starts one of its own. */
  private admit(member: Member): void {
    const previous = member.group;
    const group = previous.closed ? (previous.key && this.groups.get(previous.key)) || null : previous;
    if (group) {
      group.join(member);
      return;
    }
    this.releaseHeld(member);
    this.start(previous.key?.startsWith('unshared:') ? null : previous.key, previous.prepared, member);
  }

  private releaseHeld(member: Member): void {
    const held = member.held;
    if (!held) return;
    member.held = null;
    void held.return?.();
  }

  private leave(member: Member): void {
    this.releaseHeld(member);
    const group = member.group;
    if (!group || !group.remove(member) || group.closed || group.owner !== member) return;
    // The owner left: a member whose own subscription is held takes the stream over (and ends the
    // held one), so the subgraph keeps serving one subscription per client subscription.
    for (const successor of group.members) {
      if (!successor.held) continue;
      this.releaseHeld(successor);
      group.owner = successor;
      return;
    }
    this.close(group);
  }

  private close(group: Group): void {
    if (group.closed) return;
    group.closed = true;
    if (group.key !== null && this.groups.get(group.key) === group) this.groups.delete(group.key);
    groupsOpen.dec();
    group.abort.abort();
    void group.carrier?.return?.();
    for (const member of group.members) this.releaseHeld(member);
  }
}
