import { allow } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { argument, ownerOf, FEDERATION_QUERY_FIELDS, FEDERATION_TYPES, guard, reachedThroughGuard } from '../../shared/rbac/rules';
import type { ProtocolsLoaders } from './loaders';

type Ctx = { loaders: ProtocolsLoaders };

const protocolOwner = (name: string) => ownerOf<Ctx>(name, (ctx, id) => ctx.loaders.protocol.load(id));
const itemOwner = ownerOf<Ctx>('id', (ctx, id) => ctx.loaders.itemOwner.load(id));
const stackOwner = ownerOf<Ctx>('id', (ctx, id) => ctx.loaders.stack.load(id));

export const permissions: IRules = {
  Query: {
    ...FEDERATION_QUERY_FIELDS,
    protocol: guard('protocols', 'read', protocolOwner('id')),
    protocols: guard('protocols', 'read', argument('patientId')),
    // Reads the patient's conditions and medications: a read of their protocols' data.
    checkContraindications: guard('protocols', 'read', argument('patientId')),
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
  // A catalog peptide's name is public, as content serves it to anyone.
  Peptide: { id: allow, name: allow },
  ...reachedThroughGuard('ProtocolItem', 'ProtocolStack', 'ProtocolStackItem', 'ClinicalFinding', 'ClinicalOverride'),
};
