import type { GraphQLResolveInfo } from 'graphql';

/** Whether the client selected `field` directly under the current field (to skip costly work otherwise). */
export function wantsField(info: GraphQLResolveInfo, field: string): boolean {
  return info.fieldNodes.some((node) =>
    node.selectionSet?.selections.some((selection) => selection.kind === 'Field' && selection.name.value === field),
  );
}

/**
 * Whether the client may read any of `fields` under the current field: true for a direct
 * selection of one, and (conservatively) whenever a fragment is spread there.
 */
export function mayWantAny(info: GraphQLResolveInfo, fields: readonly string[]): boolean {
  return info.fieldNodes.some((node) =>
    node.selectionSet?.selections.some((selection) => selection.kind !== 'Field' || fields.includes(selection.name.value)),
  );
}
