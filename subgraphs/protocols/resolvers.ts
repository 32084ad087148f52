import type { Protocol, ProtocolItem, ProtocolStack, ProtocolStackItem, ProtocolStatus } from '../../generated/prisma/client';
import { assertPeptidesExist } from '../../shared/domain/catalog-facts';
import { appendPatientEvent } from '../../shared/domain/patient-events';
import { badUserInput, notFound, parseId } from '../../shared/graphql/errors';
import type { SubgraphContext } from '../../shared/server/context';
import type { ProtocolsLoaders } from './loaders';
import { dateWindow, itemData, optionalText, text, weeks, dose, doseUnit, route, type ItemInput } from './validation';

type Ctx = SubgraphContext<ProtocolsLoaders>;

interface ProtocolInput {
  name: string;
  goal?: string | null;
  status?: ProtocolStatus | null;
  startDate?: Date | null;
  endDate?: Date | null;
  notes?: string | null;
  items?: ItemInput[] | null;
}

async function loadProtocol(ctx: Ctx, id: string, argument = 'id'): Promise<Protocol> {
  const protocol = await ctx.loaders.protocol.load(parseId(argument, id));
  if (!protocol) throw notFound('Protocol', id);
  return protocol;
}

async function assertPatientExists(ctx: Ctx, patientId: string): Promise<void> {
  if (!(await ctx.loaders.patientFacts.load(patientId))) throw notFound('Patient', patientId);
}

export const resolvers = {
  Query: {
    protocol: (_: unknown, args: { id: string }, ctx: Ctx) => loadProtocol(ctx, args.id),
    protocols: (_: unknown, args: { patientId: string; status?: ProtocolStatus | null }, ctx: Ctx) =>
      ctx.loaders.protocolsByPatient.load({ parentId: parseId('patientId', args.patientId), filter: args.status ?? null }),
  },
  Mutation: {
    createProtocol: async (_: unknown, args: { patientId: string; input: ProtocolInput }, ctx: Ctx) => {
      const patientId = parseId('patientId', args.patientId);
      const { input } = args;
      const items = (input.items ?? []).map((item, i) => ({ ...itemData(`input.items[${i}]`, item), position: i }));
      dateWindow(input.startDate, input.endDate);
      await assertPatientExists(ctx, patientId);
      await assertPeptidesExist(ctx.prisma, items.map((item, i) => ({ argument: `input.items[${i}].peptideId`, peptideId: item.peptideId })));
      return ctx.prisma.$transaction(async (tx) => {
        const protocol = await tx.protocol.create({
          data: {
            profileId: patientId,
            name: text('input.name', input.name),
            goal: optionalText('input.goal', input.goal, 500),
            status: input.status ?? 'DRAFT',
            startDate: input.startDate,
            endDate: input.endDate,
            notes: optionalText('input.notes', input.notes),
            createdBy: ctx.caller.userId,
            items: { create: items },
          },
        });
        if (protocol.status === 'ACTIVE') {
          await appendPatientEvent(tx, {
            patientId,
            type: 'PROTOCOL_STARTED',
            title: `Protocol "${protocol.name}" started`,
            source: 'protocols',
            detail: { protocolId: protocol.id },
          });
        }
        return protocol;
      });
    },
    updateProtocol: async (_: unknown, args: { id: string; input: Partial<ProtocolInput> }, ctx: Ctx) => {
      const existing = await loadProtocol(ctx, args.id);
      const { input } = args;
      const data = {
        name: input.name == null ? undefined : text('input.name', input.name),
        goal: optionalText('input.goal', input.goal, 500),
        status: input.status ?? undefined,
        startDate: input.startDate,
        endDate: input.endDate,
        notes: optionalText('input.notes', input.notes),
      };
      if (Object.values(data).every((value) => value === undefined)) throw badUserInput('input', 'names no field to change');
      dateWindow(input.startDate === undefined ? existing.startDate : input.startDate, input.endDate === undefined ? existing.endDate : input.endDate);
      return ctx.prisma.$transaction(async (tx) => {
        const protocol = await tx.protocol.update({ where: { id: existing.id }, data });
        const started = existing.status !== 'ACTIVE' && protocol.status === 'ACTIVE';
        await appendPatientEvent(tx, {
          patientId: protocol.profileId,
          type: started ? 'PROTOCOL_STARTED' : 'PROTOCOL_UPDATED',
          title: started ? `Protocol "${protocol.name}" started` : `Protocol "${protocol.name}" updated`,
          source: 'protocols',
          detail: { protocolId: protocol.id, fields: Object.keys(data).filter((k) => data[k as keyof typeof data] !== undefined) },
        });
        return protocol;
      });
    },
    deleteProtocol: async (_: unknown, args: { id: string }, ctx: Ctx) => {
      const protocol = await loadProtocol(ctx, args.id);
      await ctx.prisma.protocol.delete({ where: { id: protocol.id } });
      return protocol.id;
    },
    addProtocolItem: async (_: unknown, args: { protocolId: string; input: ItemInput }, ctx: Ctx) => {
      const protocol = await loadProtocol(ctx, args.protocolId, 'protocolId');
      const data = itemData('input', args.input);
      await assertPeptidesExist(ctx.prisma, [{ argument: 'input.peptideId', peptideId: data.peptideId }]);
      // After the last item: the count would reuse a position once an item has been removed.
      const position = (await ctx.loaders.itemsByProtocol.load(protocol.id)).reduce((next, item) => Math.max(next, item.position + 1), 0);
      return ctx.prisma.protocolItem.create({ data: { ...data, protocolId: protocol.id, position } });
    },
    updateProtocolItem: async (_: unknown, args: { id: string; input: Partial<ItemInput> & { position?: number | null } }, ctx: Ctx) => {
      const id = parseId('id', args.id);
      const { input } = args;
      if (input.position != null && (!Number.isInteger(input.position) || input.position < 0)) {
        throw badUserInput('input.position', 'must be a whole number from 0');
      }
      const data = {
        doseAmount: input.doseAmount == null ? undefined : dose('input.doseAmount', input.doseAmount),
        doseUnit: input.doseUnit == null ? undefined : doseUnit('input.doseUnit', input.doseUnit),
        frequency: input.frequency == null ? undefined : text('input.frequency', input.frequency, 100),
        route: input.route == null ? undefined : route('input.route', input.route),
        timing: optionalText('input.timing', input.timing, 200),
        durationWeeks: weeks('input.durationWeeks', input.durationWeeks),
        notes: optionalText('input.notes', input.notes),
        position: input.position ?? undefined,
      };
      if (Object.values(data).every((value) => value === undefined)) throw badUserInput('input', 'names no field to change');
      return ctx.prisma.protocolItem.update({ where: { id }, data });
    },
    removeProtocolItem: async (_: unknown, args: { id: string }, ctx: Ctx) => {
      const id = parseId('id', args.id);
      await ctx.prisma.protocolItem.delete({ where: { id } });
      return id;
    },
    createProtocolStack: async (
      _: unknown,
      args: { patientId: string; input: { name: string; description?: string | null; items: { peptideId: string; dose: string; frequency: string }[] } },
      ctx: Ctx,
    ) => {
      const patientId = parseId('patientId', args.patientId);
      const { input } = args;
      if (input.items.length === 0 || input.items.length > 20) throw badUserInput('input.items', 'must hold 1 to 20 peptides');
      const items = input.items.map((item, i) => ({
        peptideId: parseId(`input.items[${i}].peptideId`, item.peptideId),
        dose: text(`input.items[${i}].dose`, item.dose, 100),
        frequency: text(`input.items[${i}].frequency`, item.frequency, 100),
        position: i,
      }));
      await assertPatientExists(ctx, patientId);
      await assertPeptidesExist(ctx.prisma, items.map((item, i) => ({ argument: `input.items[${i}].peptideId`, peptideId: item.peptideId })));
      return ctx.prisma.protocolStack.create({
        data: {
          profileId: patientId,
          name: text('input.name', input.name),
          description: optionalText('input.description', input.description),
          items: { create: items },
        },
      });
    },
    deleteProtocolStack: async (_: unknown, args: { id: string }, ctx: Ctx) => {
      const id = parseId('id', args.id);
      await ctx.prisma.protocolStack.delete({ where: { id } });
      return id;
    },
  },
  Patient: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    protocols: (patient: { id: string }, args: { status?: ProtocolStatus | null }, ctx: Ctx) =>
      ctx.loaders.protocolsByPatient.load({ parentId: patient.id, filter: args.status ?? null }),
    protocolStacks: (patient: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.stacksByPatient.load(patient.id),
  },
  Protocol: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.protocol.load(ref.id),
    patient: (protocol: Protocol) => ({ id: protocol.profileId }),
    items: (protocol: Protocol, _: unknown, ctx: Ctx) => ctx.loaders.itemsByProtocol.load(protocol.id),
  },
  ProtocolItem: {
    peptide: (item: ProtocolItem) => ({ __typename: 'Peptide', id: item.peptideId }),
  },
  ProtocolStack: {
    items: (stack: ProtocolStack, _: unknown, ctx: Ctx) => ctx.loaders.itemsByStack.load(stack.id),
  },
  ProtocolStackItem: {
    peptide: (item: ProtocolStackItem) => ({ __typename: 'Peptide', id: item.peptideId }),
  },
};
