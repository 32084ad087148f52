// graphql-shield rules built from the matrix. A subgraph's permissions.ts says, per type and
// field, which resource and action a field is and whose patient record it belongs to; the
// decision itself is always shared/rbac/matrix.ts#decide.
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { allow, rule } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import type { Caller } from '../auth/caller';
import { isUuid } from '../graphql/errors';
import type { AuditTrail } from './audit';
import { decide, isPhi, type Action, type Resource } from './matrix';

export interface RbacContext {
  caller: Caller;
  audit: AuditTrail;
  /** Decisions already made in this request, by resource|action|patient. */
  decisions?: Map<string, true | GraphQLError>;
  /** Per entity object of this request, each guard's answer: an entity's fields share one check. */
  entityDecisions?: WeakMap<object, Map<unknown, Promise<true | GraphQLError>>>;
}

/** Whose record a field belongs to; null = no single patient (a list, a catalog). */
export type PatientOf<P = any, A = any, C = any> = (parent: P, args: A, context: C) => string | null | undefined | Promise<string | null | undefined>;

export function denial(code: 'UNAUTHENTICATED' | 'FORBIDDEN', resource: Resource, action: Action, reason: string): GraphQLError {
  const message =
    code === 'UNAUTHENTICATED'
      ? `Sign in to ${action} ${resource}`
      : `Forbidden: ${action} on ${resource} (${reason})`;
  return new GraphQLError(message, { extensions: { code, resource, action } });
}

/** The one check: decide, audit PHI access, and answer true or the error for the client. */
export function authorize(context: RbacContext, resource: Resource, action: Action, patientId: string | null): true | GraphQLError {
  const decisions = (context.decisions ??= new Map());
  const key = `${resource}|${action}|${patientId}`;
  const known = decisions.get(key);
  if (known) return known;
  const decision = decide(context.caller, resource, action, patientId);
  if (isPhi(resource)) context.audit.record({ resource, action, patientId, allowed: decision.allowed, reason: decision.reason });
  const answer = decision.allowed ? true : denial(decision.code!, resource, action, decision.reason);
  decisions.set(key, answer);
  return answer;
}

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/**
 * A field that is `action` on `resource`, belonging to the patient `patientOf` names. On an
 * entity's fields (a type's '*' rule) the check runs once per entity object and request, not per
 * field: its fields share the answer. Root fields and fields with arguments decide per field.
 */
export function guard(resource: Resource, action: Action, patientOf?: PatientOf) {
  const check = async (parent: unknown, args: unknown, context: RbacContext) => {
    const patientId = patientOf ? ((await patientOf(parent, args, context)) ?? null) : null;
    return authorize(context, resource, action, patientId);
  };
  const self = rule({ cache: 'no_cache' })((parent, args, context: RbacContext, info: GraphQLResolveInfo) => {
    const perField = !parent || typeof parent !== 'object' || ROOT_TYPES.has(info.parentType.name) || (args && Object.keys(args).length > 0);
    if (perField) return check(parent, args, context);
    const byEntity = (context.entityDecisions ??= new WeakMap());
    let answers = byEntity.get(parent);
    if (!answers) byEntity.set(parent, (answers = new Map()));
    let answer = answers.get(self);
    if (!answer) answers.set(self, (answer = check(parent, args, context)));
    return answer;
  });
  return self;
}

/** Any signed-in caller (a field that only describes the caller themself). */
export const signedIn = rule('signedIn', { cache: 'contextual' })(async (_parent, _args, context: RbacContext) =>
  context.caller.role === 'anonymous' ? new GraphQLError('Sign in first', { extensions: { code: 'UNAUTHENTICATED' } }) : true,
);

/**
 * Types whose fields are reachable only through a guarded field (connections, edges, value
 * objects of a record): the guard on the way in already decided, so their fields are open.
 */
export function reachedThroughGuard(...types: string[]): IRules {
  return Object.fromEntries(types.map((type) => [type, allow]));
}

/** What federation needs open under fallbackRule deny: the SDL and entity resolution (the entities' own fields stay guarded). */
export const FEDERATION_QUERY_FIELDS = { _service: allow, _entities: allow };
export const FEDERATION_TYPES: IRules = { _Service: allow };

/** A patient id from an argument, when the argument is a well-formed id (else the resolver rejects it). */
export function argument(name: string): PatientOf {
  return (_parent, args) => (typeof args?.[name] === 'string' && isUuid(args[name]) ? String(args[name]).toLowerCase() : null);
}

/**
 * The patient a record belongs to, by the id in `argumentName`: `load` finds the record (through
 * a loader). Null when the id is malformed or there is no such record: the resolver answers.
 */
export function ownerOf<C>(argumentName: string, load: (context: C, id: string) => Promise<{ profileId: string } | null>): PatientOf {
  return async (_parent, args, context) => {
    const id = args?.[argumentName];
    return typeof id === 'string' && isUuid(id) ? ((await load(context, id.toLowerCase()))?.profileId ?? null) : null;
  };
}
