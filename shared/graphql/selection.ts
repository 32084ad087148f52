import type { GraphQLResolveInfo } from 'graphql';

/** Whether the client selected `field` directly under the current field (to skip costly work otherwise). */
export function wantsField(info: GraphQLResolveInfo, field: string): boolean {
  return info.fieldNodes.some((node) =>
    node.selectionSet?.selections.some((selection) => selection.kind === 'Field' && selection.name.value === field),
  );
}
