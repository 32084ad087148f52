// Applies a subgraph's graphql-shield rules. Shield wraps every field of the schema in an
// async middleware, including the thousands of plain value fields (a reading's unit, a day's
// average) whose rule is `allow` because the guard on the way in already decided. Those
// wrappers change nothing but turn every field into a promise, which roughly halved the
// dashboard's throughput. So after shield generates its middleware we drop exactly the
// wrappers whose rule is `allow`; every other field keeps shield's check, and fallbackRule
// deny still covers every field the rule tree does not name.
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { allow, deny, shield, type IRules } from 'graphql-shield';

export const SHIELD_OPTIONS = {
  fallbackRule: deny,
  // A resolver's own error (NOT_FOUND, BAD_USER_INPUT) reaches the client as it is.
  allowExternalErrors: true,
  fallbackError: new GraphQLError('No access rule covers this field', { extensions: { code: 'FORBIDDEN' } }),
};

type RuleMap = Record<string, unknown>;

/** The rule shield applies to type.field: the field's own, the type's '*', the type's rule, or the fallback. */
export function effectiveRule(rules: IRules, type: string, field: string): unknown {
  const entry = (rules as RuleMap)[type];
  if (entry === undefined) return SHIELD_OPTIONS.fallbackRule;
  if (typeof entry === 'object' && entry !== null && !('resolve' in entry)) {
    const map = entry as RuleMap;
    return map[field] ?? map['*'] ?? SHIELD_OPTIONS.fallbackRule;
  }
  return entry;
}

export function applyPermissions(schema: GraphQLSchema, rules: IRules): GraphQLSchema {
  const generated = shield(rules, SHIELD_OPTIONS).generate(schema) as Record<string, Record<string, unknown>>;
  for (const [type, fields] of Object.entries(generated)) {
    for (const field of Object.keys(fields)) {
      if (effectiveRule(rules, type, field) === allow) delete fields[field];
    }
  }
  return applyMiddleware(schema, generated as never);
}
