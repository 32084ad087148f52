// Content is public to read and written by admin and staff (the matrix's `content` row).
// Drafts (`includeDrafts: true`, on any field that takes it) are an editor's view: they need
// the content update permission.
import { Kind, type DocumentNode, type ObjectTypeDefinitionNode } from 'graphql';
import { rule } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import type { Action } from '../../shared/rbac/matrix';
import { authorize, FEDERATION_QUERY_FIELDS, FEDERATION_TYPES, guard, type RbacContext } from '../../shared/rbac/rules';

const readPublished = rule('content:read', { cache: 'no_cache' })(async (_parent, args, context: RbacContext) =>
  args?.includeDrafts ? authorize(context, 'content', 'update', null) : authorize(context, 'content', 'read', null),
);

/** The action a content mutation is, from its name (createX, updateX, publishX, unpublishX, deleteX). */
export function mutationAction(field: string): Action {
  const verb = /^(create|update|publish|unpublish|delete)[A-Z]/.exec(field)?.[1];
  if (!verb) throw new Error(`content mutation ${field} does not start with a known verb: give it a rule`);
  return verb === 'create' ? 'create' : verb === 'delete' ? 'delete' : 'update';
}

export function contentPermissions(typeDefs: DocumentNode): IRules {
  const types = typeDefs.definitions.filter((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION);
  const fieldsOf = (name: string) => types.filter((t) => t.name.value === name).flatMap((t) => t.fields?.map((f) => f.name.value) ?? []);
  const rules: Record<string, IRules> = { ...(FEDERATION_TYPES as Record<string, IRules>) };
  for (const type of types) {
    if (type.name.value !== 'Query' && type.name.value !== 'Mutation') rules[type.name.value] = { '*': readPublished };
  }
  rules.Query = { ...Object.fromEntries(fieldsOf('Query').map((field) => [field, readPublished])), ...FEDERATION_QUERY_FIELDS };
  rules.Mutation = Object.fromEntries(fieldsOf('Mutation').map((field) => [field, guard('content', mutationAction(field))]));
  return rules as IRules;
}
