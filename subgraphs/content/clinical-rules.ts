// The catalog's clinical rules, owned here with the peptides: each peptide's dosing limits and
// its contraindication rules, with their sources. Editors (admin, staff) change them through the
// graph; every change is announced (topics.catalogChanged) so the protocols and Luna processes
// that cache the rules drop them at once. `peptideClinicalRules` is how other domains read them.
import type { Peptide, PeptideContraindication, PeptideDosing } from '../../generated/prisma/client';
import { DOSE_UNITS } from '../../shared/domain/clinical/dose-units';
import { FREQUENCY_KEYS } from '../../shared/domain/clinical/frequencies';
import { ROUTES } from '../../shared/domain/clinical/routes';
import type { DosingLimits } from '../../shared/domain/clinical/rules';
import { badUserInput, notFound, parseId } from '../../shared/graphql/errors';
import { topics } from '../../shared/pubsub';
import { wakeRelays, writeOutbox } from '../../shared/outbox';
import type { Ctx } from './collection';
import { contentData } from './data';

/** Units a catalog range may be written in (a volume or "units" cannot bound a peptide's dose). */
export const RANGE_UNITS = DOSE_UNITS.filter((unit) => unit === 'mcg' || unit === 'mg' || unit === 'g' || unit === 'IU');
/** The most ids one read may name. */
export const MAX_RULE_IDS = 100;
const MAX_AMOUNT = 1_000_000;
const MAX_TERMS = 30;
export const SEXES = ['FEMALE', 'MALE'] as const;

/** The editor's input has the shape of the rules themselves. */
type DosingInput = DosingLimits;

interface ContraindicationInput {
  conditions?: string[] | null;
  medications?: string[] | null;
  sexes?: string[] | null;
  ageUnder?: number | null;
  ageOver?: number | null;
  pregnancy?: boolean | null;
  reason: string;
  source: string;
}

function text(path: string, value: string, min: number, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < min || trimmed.length > max) throw badUserInput(path, `must be ${min} to ${max} characters`);
  return trimmed;
}

function amount(path: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > MAX_AMOUNT) throw badUserInput(path, `must be a positive amount up to ${MAX_AMOUNT}`);
  return value;
}

function oneOf(path: string, values: string[], allowed: readonly string[], { required }: { required: boolean }): string[] {
  const unique = [...new Set(values.map((value) => value.trim()))];
  if (required && unique.length === 0) throw badUserInput(path, 'must name at least one');
  const unknown = unique.filter((value) => !allowed.includes(value));
  if (unknown.length) throw badUserInput(path, `${unknown.map((value) => `"${value}"`).join(', ')} is not one of ${allowed.join(', ')}`);
  return unique;
}

/** Lowercase terms matched inside a patient's recorded conditions or medications. */
function terms(path: string, values: string[] | null | undefined): string[] {
  const cleaned = [...new Set((values ?? []).map((value) => value.trim().toLowerCase()).filter(Boolean))];
  if (cleaned.length > MAX_TERMS) throw badUserInput(path, `at most ${MAX_TERMS} terms`);
  if (cleaned.some((term) => term.length < 2 || term.length > 100)) throw badUserInput(path, 'terms must be 2 to 100 characters');
  return cleaned;
}

function age(path: string, value: number | null | undefined): number | null {
  if (value == null) return null;
  if (!Number.isInteger(value) || value < 0 || value > 120) throw badUserInput(path, 'must be a whole number of years from 0 to 120');
  return value;
}

export function validateDosing(input: DosingInput) {
  const doseUnit = oneOf('input.doseUnit', [input.doseUnit], RANGE_UNITS, { required: true })[0];
  const minDose = amount('input.minDose', input.minDose);
  const maxDose = amount('input.maxDose', input.maxDose);
  const maxDailyDose = amount('input.maxDailyDose', input.maxDailyDose);
  if (maxDose < minDose) throw badUserInput('input.maxDose', 'is below input.minDose');
  if (maxDailyDose < maxDose) throw badUserInput('input.maxDailyDose', 'is below input.maxDose (one dose a day must fit)');
  return {
    doseUnit,
    minDose,
    maxDose,
    maxDailyDose,
    routes: oneOf('input.routes', input.routes, ROUTES, { required: true }),
    frequencies: oneOf('input.frequencies', input.frequencies, FREQUENCY_KEYS, { required: true }),
    source: text('input.source', input.source, 5, 1000),
  };
}

export function validateContraindication(input: ContraindicationInput) {
  const rule = {
    conditions: terms('input.conditions', input.conditions),
    medications: terms('input.medications', input.medications),
    sexes: oneOf('input.sexes', input.sexes ?? [], SEXES, { required: false }),
    ageUnder: age('input.ageUnder', input.ageUnder),
    ageOver: age('input.ageOver', input.ageOver),
    pregnancy: input.pregnancy ?? false,
    reason: text('input.reason', input.reason, 5, 500),
    source: text('input.source', input.source, 5, 1000),
  };
  const criteria = rule.conditions.length + rule.medications.length + rule.sexes.length + (rule.ageUnder !== null ? 1 : 0) + (rule.ageOver !== null ? 1 : 0) + (rule.pregnancy ? 1 : 0);
  if (criteria === 0) throw badUserInput('input', 'names no criterion (conditions, medications, sexes, ageUnder, ageOver or pregnancy)');
  return rule;
}

async function existingPeptide(ctx: Ctx, id: string): Promise<Peptide> {
  const peptide = await ctx.loaders.peptide.load(parseId('peptideId', id));
  if (!peptide) throw notFound('Peptide', id);
  return peptide;
}

/**
 * Tells every process that caches the catalog's rules (protocols, Luna) that its copy is stale:
 * through the outbox (one row, right after the write), so the write reports success whatever
 * the state of Redis, and the relay delivers the announcement once it can.
 */
export const announceCatalogChange = async (ctx: Ctx): Promise<void> => {
  await writeOutbox(ctx.prisma, [{ topic: topics.catalogChanged, payload: { at: new Date().toISOString() } }]);
  wakeRelays();
};

type RulesRow = Peptide & { dosing: PeptideDosing | null; contraindications: PeptideContraindication[] };

export const clinicalRuleResolvers = {
  Query: {
    peptideClinicalRules: async (_: unknown, args: { peptideIds?: string[] | null }, ctx: Ctx) => {
      const include = { dosing: true, contraindications: { orderBy: [{ createdAt: 'asc' as const }, { id: 'asc' as const }] } };
      if (args.peptideIds == null) return contentData(ctx.prisma).peptide.findMany({ where: { status: 'PUBLISHED' }, orderBy: [{ name: 'asc' }, { id: 'asc' }], include });
      if (args.peptideIds.length > MAX_RULE_IDS) throw badUserInput('peptideIds', `at most ${MAX_RULE_IDS} ids`);
      const ids = [...new Set(args.peptideIds.map((id, i) => parseId(`peptideIds[${i}]`, id)))];
      return ids.length ? contentData(ctx.prisma).peptide.findMany({ where: { id: { in: ids } }, orderBy: [{ name: 'asc' }, { id: 'asc' }], include }) : [];
    },
  },
  Mutation: {
    updatePeptideDosing: async (_: unknown, args: { peptideId: string; input: DosingInput }, ctx: Ctx) => {
      const peptide = await existingPeptide(ctx, args.peptideId);
      const data = { ...validateDosing(args.input), updatedBy: ctx.caller.userId };
      await contentData(ctx.prisma).peptideDosing.upsert({ where: { peptideId: peptide.id }, create: { peptideId: peptide.id, ...data }, update: data });
      await announceCatalogChange(ctx);
      return peptide;
    },
    createPeptideContraindication: async (_: unknown, args: { peptideId: string; input: ContraindicationInput }, ctx: Ctx) => {
      const peptide = await existingPeptide(ctx, args.peptideId);
      const rule = await contentData(ctx.prisma).peptideContraindication.create({ data: { peptideId: peptide.id, ...validateContraindication(args.input), createdBy: ctx.caller.userId } });
      await announceCatalogChange(ctx);
      return rule;
    },
    deletePeptideContraindication: async (_: unknown, args: { id: string }, ctx: Ctx) => {
      const id = parseId('id', args.id);
      const { count } = await contentData(ctx.prisma).peptideContraindication.deleteMany({ where: { id } });
      if (!count) throw notFound('ContraindicationRule', id);
      await announceCatalogChange(ctx);
      return id;
    },
  },
  Peptide: {
    dosing: (peptide: Peptide, _: unknown, ctx: Ctx) => ctx.loaders.dosingByPeptide.load(peptide.id),
    contraindications: (peptide: Peptide, _: unknown, ctx: Ctx) => ctx.loaders.contraindicationsByPeptide.load(peptide.id),
  },
  PeptideClinicalRules: {
    peptideId: (row: RulesRow) => row.id,
  },
};
