import { Prisma as PrismaNamespace } from '../../generated/prisma/client';
import type { Protocol, ProtocolItem, ProtocolStack, ProtocolStackItem, ProtocolStatus } from '../../generated/prisma/client';
import { clinicalFindings } from '../../shared/domain/clinical/findings';
import { appendPatientEvent } from '../../shared/domain/patient-events';
import { badUserInput, notFound, parseId } from '../../shared/graphql/errors';
import type { SubgraphContext } from '../../shared/server/context';
import { assertMayOverride, catalogRulesFor, coveredBy, findingsWithoutJudging, judge, patientClinicalFacts, type ItemUnderCheck, type StoredOverride } from './clinical';
import type { ProtocolsLoaders } from './loaders';
import { DEFAULT_ROUTE, dateWindow, itemData, optionalText, text, weeks, dose, doseUnit, frequency, route, type ItemInput } from './validation';
import { protocolsData } from './data';

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

/** The most items one protocol write (or check) may carry. */
const MAX_ITEMS = 20;

type ParsedItem = ReturnType<typeof itemData>;

const toCheck = (item: Pick<ParsedItem, 'peptideId' | 'doseAmount' | 'doseUnit' | 'frequency'> & { route?: string | null }) => ({
  peptideId: item.peptideId,
  doseAmount: item.doseAmount,
  doseUnit: item.doseUnit,
  frequency: item.frequency,
  route: item.route ?? DEFAULT_ROUTE,
});

/**
 * Parses a write's items and reads what their check needs: the patient's facts and the
 * catalog's rules. `prefix` names the list argument (`input.items`), or the one item (`input`)
 * when `single`.
 */
async function prepareItems(ctx: Ctx, patientId: string, prefix: string, inputs: readonly ItemInput[], context: readonly ProtocolItem[] = [], single = false) {
  if (inputs.length > MAX_ITEMS) throw badUserInput(prefix, `at most ${MAX_ITEMS} items`);
  const argumentOf = (i: number) => (single ? prefix : `${prefix}[${i}]`);
  const parsed = inputs.map((input, i) => ({ ...itemData(argumentOf(i), input), argument: argumentOf(i), override: input.override ?? null }));
  const patient = await patientClinicalFacts(ctx, patientId);
  const checked: ItemUnderCheck[] = parsed.map((item) => ({ ...toCheck(item), argument: item.argument, override: item.override }));
  assertMayOverride(ctx, patientId, checked);
  const rules = await catalogRulesFor(
    ctx,
    parsed.map((item) => ({ argument: `${item.argument}.peptideId`, peptideId: item.peptideId })),
    context.map((item) => item.peptideId),
  );
  return { parsed, checked, patient, rules };
}

/** The columns a protocol item stores from parsed input (the override travels separately). */
const itemColumns = ({ argument: _argument, override: _override, ...columns }: ParsedItem & { argument: string; override: unknown }) => columns;

export const resolvers = {
  Query: {
    protocol: (_: unknown, args: { id: string }, ctx: Ctx) => loadProtocol(ctx, args.id),
    protocols: (_: unknown, args: { patientId: string; status?: ProtocolStatus | null }, ctx: Ctx) =>
      ctx.loaders.protocolsByPatient.load({ parentId: parseId('patientId', args.patientId), filter: args.status ?? null }),
    checkContraindications: async (_: unknown, args: { patientId: string; items: ItemInput[] }, ctx: Ctx) => {
      const patientId = parseId('patientId', args.patientId);
      if (args.items.length === 0) throw badUserInput('items', 'must hold at least one item');
      const { checked, patient, rules } = await prepareItems(ctx, patientId, 'items', args.items);
      return findingsWithoutJudging(checked, rules, patient);
    },
  },
  Mutation: {
    createProtocol: async (_: unknown, args: { patientId: string; input: ProtocolInput }, ctx: Ctx) => {
      const patientId = parseId('patientId', args.patientId);
      const { input } = args;
      dateWindow(input.startDate, input.endDate);
      const { parsed, checked, patient, rules } = await prepareItems(ctx, patientId, 'input.items', input.items ?? []);
      const overrides = judge(ctx, 'input.items', checked, [], rules, patient);
      const items = parsed.map((item, i) => ({ ...itemColumns(item), ...overrides[i], overrideFindings: overrides[i].overrideFindings ?? undefined, position: i }));
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
      await protocolsData(ctx.prisma).protocol.delete({ where: { id: protocol.id } });
      return protocol.id;
    },
    addProtocolItem: async (_: unknown, args: { protocolId: string; input: ItemInput }, ctx: Ctx) => {
      const protocol = await loadProtocol(ctx, args.protocolId, 'protocolId');
      const others = await ctx.loaders.itemsByProtocol.load(protocol.id);
      const { parsed, checked, patient, rules } = await prepareItems(ctx, protocol.profileId, 'input', [args.input], others, true);
      const [override] = judge(ctx, 'input', checked, others.map(toCheck), rules, patient);
      // After the last item: the count would reuse a position once an item has been removed.
      const position = others.reduce((next, item) => Math.max(next, item.position + 1), 0);
      return protocolsData(ctx.prisma).protocolItem.create({ data: { ...itemColumns(parsed[0]), ...override, overrideFindings: override.overrideFindings ?? undefined, protocolId: protocol.id, position } });
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
        frequency: input.frequency == null ? undefined : frequency('input.frequency', input.frequency),
        route: input.route == null ? undefined : route('input.route', input.route),
        timing: optionalText('input.timing', input.timing, 200),
        durationWeeks: weeks('input.durationWeeks', input.durationWeeks),
        notes: optionalText('input.notes', input.notes),
        position: input.position ?? undefined,
      };
      if (Object.values(data).every((value) => value === undefined) && !input.override) throw badUserInput('input', 'names no field to change');
      const existing = await protocolsData(ctx.prisma).protocolItem.findUnique({ where: { id } });
      if (!existing) throw notFound('ProtocolItem', id);
      // Only a change to what is taken (or a new override) is checked again: notes and timing change nothing clinical.
      const clinical = data.doseAmount !== undefined || data.doseUnit !== undefined || data.frequency !== undefined || data.route !== undefined || input.override;
      if (!clinical) return protocolsData(ctx.prisma).protocolItem.update({ where: { id }, data });
      const protocol = await loadProtocol(ctx, existing.protocolId);
      const others = (await ctx.loaders.itemsByProtocol.load(protocol.id)).filter((item) => item.id !== id);
      const merged: ItemUnderCheck = {
        ...toCheck({ ...existing, ...Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined)) }),
        argument: 'input',
        override: input.override ?? null,
        stored: { overrideFindings: existing.overrideFindings, overrideReason: existing.overrideReason, overriddenBy: existing.overriddenBy, overriddenAt: existing.overriddenAt },
      };
      const patient = await patientClinicalFacts(ctx, protocol.profileId);
      assertMayOverride(ctx, protocol.profileId, [merged]);
      const rules = await catalogRulesFor(ctx, [{ argument: 'id', peptideId: existing.peptideId }], others.map((item) => item.peptideId));
      const [override] = judge(ctx, 'input', [merged], others.map(toCheck), rules, patient);
      return protocolsData(ctx.prisma).protocolItem.update({ where: { id }, data: { ...data, ...override, overrideFindings: override.overrideFindings ?? PrismaNamespace.DbNull } });
    },
    removeProtocolItem: async (_: unknown, args: { id: string }, ctx: Ctx) => {
      const id = parseId('id', args.id);
      await protocolsData(ctx.prisma).protocolItem.delete({ where: { id } });
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
      await catalogRulesFor(ctx, items.map((item, i) => ({ argument: `input.items[${i}].peptideId`, peptideId: item.peptideId })));
      return protocolsData(ctx.prisma).protocolStack.create({
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
      await protocolsData(ctx.prisma).protocolStack.delete({ where: { id } });
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
    peptide: (item: ProtocolItem, _: unknown, ctx: Ctx) => providedPeptide(item.peptideId, ctx),
    findings: (item: ProtocolItem, args: { unresolvedOnly?: boolean | null }, ctx: Ctx) => currentFindings(ctx, item, args.unresolvedOnly ?? false),
    override: (item: ProtocolItem) =>
      item.overrideReason
        ? {
            findings: ((item.overrideFindings ?? []) as StoredOverride['overrideFindings']).map((finding) => ({ ...finding, peptideId: item.peptideId, item: item.position, overridable: true, overridden: true })),
            reason: item.overrideReason,
            overriddenBy: item.overriddenBy,
            overriddenAt: item.overriddenAt,
          }
        : null,
  },
  ProtocolStack: {
    items: (stack: ProtocolStack, _: unknown, ctx: Ctx) => ctx.loaders.itemsByStack.load(stack.id),
  },
  ProtocolStackItem: {
    peptide: (item: ProtocolStackItem, _: unknown, ctx: Ctx) => providedPeptide(item.peptideId, ctx),
  },
};

/**
 * A peptide reference with its name (@provides): from the cached catalog rules every item's
 * peptide is read in one batch, so the gateway needs no fetch from content for the name. A
 * peptide the catalog no longer has is null, as content's own reference resolution gives.
 */
async function providedPeptide(peptideId: string, ctx: Ctx) {
  const rules = await ctx.loaders.peptideRules.load(peptideId);
  return rules ? { __typename: 'Peptide', id: peptideId, name: rules.name } : null;
}

/**
 * An item's findings as they stand now: its protocol's items checked together against today's
 * catalog rules and the patient's record. A finding its override covered exactly is marked
 * overridden; one that changed since (a lowered maximum, a new condition) is unresolved.
 */
async function currentFindings(ctx: Ctx, item: ProtocolItem, unresolvedOnly: boolean) {
  const protocol = await ctx.loaders.protocol.load(item.protocolId);
  if (!protocol) return [];
  const items = await ctx.loaders.itemsByProtocol.load(protocol.id);
  const [patient, rules] = await Promise.all([patientClinicalFacts(ctx, protocol.profileId), catalogRulesFor(ctx, [], items.map((other) => other.peptideId))]);
  const index = items.findIndex((other) => other.id === item.id);
  return clinicalFindings(items.map(toCheck), (id) => rules.get(id), patient)
    .filter((finding) => finding.item === index)
    .map((finding) => ({ ...finding, item: item.position, overridden: finding.overridable && coveredBy(item, finding) }))
    .filter((finding) => !unresolvedOnly || !finding.overridden);
}
