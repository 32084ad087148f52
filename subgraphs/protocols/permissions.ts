import { allow } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { isUuid } from '../../shared/graphql/errors';
import { argument, FEDERATION_QUERY_FIELDS, FEDERATION_TYPES, guard, reachedThroughGuard } from '../../shared/rbac/rules';
import type { ProtocolsLoaders } from './loaders';

type Ctx = { loaders: ProtocolsLoaders };

/** Owner lookups for the checks; null when the record does not exist (the resolver answers NOT_FOUND). */
function ownerBy(argumentName: string, load: (ctx: Ctx, id: string) => Promise<{ profileId: string } | null>) {
  return async (_: unknown, args: Record<string, string>, ctx: Ctx) => {
    const id = args[argumentName];
    return typeof id === 'string' && isUuid(id) ? ((await load(ctx, id.toLowerCase()))?.profileId ?? null) : null;
  };
}
const protocolOwner = (name: string) => ownerBy(name, (ctx, id) => ctx.loaders.protocol.load(id));
const itemOwner = ownerBy('id', (ctx, id) => ctx.loaders.itemOwner.load(id));
const stackOwner = ownerBy('id', (ctx, id) => ctx.loaders.stack.load(id));

export const permissions: IRules = {
  Query: {
    ...FEDERATION_QUERY_FIELDS,
    protocol: guard('protocols', 'read', protocolOwner('id')),
  },
  Mutation: {
    createProtocol: guard('protocols', 'create', argument('patientId')),
    updateProtocol: guard('protocols', 'update', protocolOwner('id')),
    deleteProtocol: guard('protocols', 'delete', protocolOwner('id')),
    addProtocolItem: guard('protocols', 'update', protocolOwner('protocolId')),
    updateProtocolItem: guard('protocols', 'update', itemOwner),
    removeProtocolItem: guard('protocols', 'update', itemOwner),
    createProtocolStack: guard('protocols', 'create', argument('patientId')),
    deleteProtocolStack: guard('protocols', 'delete', stackOwner),
  },
  ...FEDERATION_TYPES,
  Patient: { id: allow, '*': guard('protocols', 'read', (patient: { id: string }) => patient.id) },
  Protocol: { id: allow, '*': guard('protocols', 'read', (protocol: { profileId: string }) => protocol.profileId) },
  Peptide: { id: allow },
  ...reachedThroughGuard('ProtocolItem', 'ProtocolStack', 'ProtocolStackItem'),
};
