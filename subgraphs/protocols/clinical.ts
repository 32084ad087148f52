// Clinical checks on protocol writes. An item's dose, unit, frequency and route are checked
// against its peptide's catalog rules, and the patient's conditions, medications, sex and age
// against its contraindications (shared/domain/clinical/findings.ts). A write whose new or
// changed items have findings is refused with BAD_USER_INPUT listing them (rule, limit, value,
// source), unless a provider overrides those findings with a reason of substance: the override
// is checked against the RBAC matrix (clinical_overrides: providers only), audited, and stored
// on the item with the findings exactly as they were shown.
import { GraphQLError } from 'graphql';
import type { ProtocolItem } from '../../generated/prisma/client';
import { clinicalFindings, findingKey, type ClinicalFinding, type ClinicalRule, type ItemToCheck } from '../../shared/domain/clinical/findings';
import type { PatientClinicalFacts, PeptideRules } from '../../shared/domain/clinical/rules';
import { ageOn } from '../../shared/domain/patient-facts';
import { ErrorCode, badUserInput, notFound } from '../../shared/graphql/errors';
import { authorize } from '../../shared/rbac/rules';
import type { SubgraphContext } from '../../shared/server/context';
import type { ProtocolsLoaders } from './loaders';

type Ctx = SubgraphContext<ProtocolsLoaders>;

/** A reason of substance: a clinical explanation, not "ok" or "fine". */
export const OVERRIDE_REASON = { minChars: 20, maxChars: 1000, minWords: 4 };

export interface OverrideInput {
  findings: ClinicalRule[];
  reason: string;
}

/** What is stored on an item: the findings overridden, as shown (rule, limit, value, source, message). */
export interface StoredOverride {
  overrideFindings: Pick<ClinicalFinding, 'rule' | 'limit' | 'value' | 'source' | 'message'>[];
  overrideReason: string;
  overriddenBy: string;
  overriddenAt: Date;
}

export const NO_OVERRIDE = { overrideFindings: null, overrideReason: null, overriddenBy: null, overriddenAt: null } as const;

/** One item of a write: what to check, the override given with it, and the override it already has (an update). */
export interface ItemUnderCheck extends ItemToCheck {
  argument: string;
  override?: OverrideInput | null;
  /** The override the item already has (an update of an existing item). */
  stored?: StoredOverrideRow | null;
}

type StoredOverrideRow = Pick<ProtocolItem, 'overrideFindings' | 'overrideReason' | 'overriddenBy' | 'overriddenAt'>;

export async function patientClinicalFacts(ctx: Ctx, patientId: string): Promise<PatientClinicalFacts> {
  const facts = await ctx.loaders.patientFacts.load(patientId);
  if (!facts) throw notFound('Patient', patientId);
  return { sex: facts.sex, age: ageOn(facts.dateOfBirth), conditions: facts.conditions, medications: facts.medications };
}

/**
 * The catalog rules of every peptide named; a peptide the catalog does not have is the client's
 * mistake, named by its argument. `context` peptides (a protocol's other items) are read too, but
 * one no longer in the catalog is just left out.
 */
export async function catalogRulesFor(ctx: Ctx, refs: { argument: string; peptideId: string }[], context: readonly string[] = []): Promise<Map<string, PeptideRules>> {
  const loaded = await ctx.loaders.peptideRules.loadMany([...refs.map((ref) => ref.peptideId), ...context]);
  const rules = new Map<string, PeptideRules>();
  for (const [i, entry] of loaded.entries()) {
    if (entry instanceof Error) throw entry;
    if (entry) rules.set(entry.peptideId, entry);
    else if (i < refs.length) throw badUserInput(refs[i].argument, `peptide ${refs[i].peptideId} is not in the catalog`);
  }
  return rules;
}

function validateOverride(argument: string, override: OverrideInput): OverrideInput {
  const reason = override.reason.trim().replace(/\s+/g, ' ');
  const words = reason.split(' ').filter((word) => /\p{L}{2,}/u.test(word)).length;
  if (reason.length < OVERRIDE_REASON.minChars || reason.length > OVERRIDE_REASON.maxChars || words < OVERRIDE_REASON.minWords) {
    throw badUserInput(
      `${argument}.override.reason`,
      `must give the clinical reason in ${OVERRIDE_REASON.minChars} to ${OVERRIDE_REASON.maxChars} characters and at least ${OVERRIDE_REASON.minWords} words`,
    );
  }
  if (override.findings.length === 0) throw badUserInput(`${argument}.override.findings`, 'must name the findings overridden');
  return { findings: [...new Set(override.findings)], reason };
}

/** Overriding is a prescriber's decision: the matrix's clinical_overrides row (providers only), audited either way. */
export function assertMayOverride(ctx: Ctx, patientId: string, items: readonly ItemUnderCheck[]): void {
  if (!items.some((item) => item.override)) return;
  const decision = authorize(ctx, 'clinical_overrides', 'create', patientId);
  if (decision !== true) throw decision;
}

const publicFinding = (finding: ClinicalFinding, argument: string) => ({
  argument,
  item: finding.item,
  peptideId: finding.peptideId,
  rule: finding.rule,
  limit: finding.limit,
  value: finding.value,
  source: finding.source,
  message: finding.message,
  overridable: finding.overridable,
});

/** A refused write: BAD_USER_INPUT with the findings, machine-readable, in `extensions.findings`. */
function refused(argument: string, findings: { finding: ClinicalFinding; argument: string }[]): GraphQLError {
  const summary = findings.map(({ finding }) => `${finding.rule} (${finding.message})`).join('; ');
  const overridable = findings.every(({ finding }) => finding.overridable);
  return new GraphQLError(
    `${argument}: ${findings.length} clinical finding${findings.length === 1 ? '' : 's'} ${overridable ? "need a provider's override with a reason" : 'must be corrected'}: ${summary}`,
    { extensions: { code: ErrorCode.BAD_USER_INPUT, argument, findings: findings.map(({ finding, argument: item }) => publicFinding(finding, item)) } },
  );
}

/** Whether a stored override covers a finding: the same rule, limit and value the provider saw. */
export function coveredBy(stored: Pick<ProtocolItem, 'overrideFindings'> | null | undefined, finding: Pick<ClinicalFinding, 'rule' | 'limit' | 'value'>): boolean {
  const overridden = (stored?.overrideFindings ?? []) as StoredOverride['overrideFindings'];
  return overridden.some((entry) => findingKey(entry) === findingKey(finding));
}

/**
 * Checks the items of a write together (their daily totals add up); `context` items (the
 * protocol's other items) count towards totals but are not judged. Returns, per checked item,
 * the override to store (or NO_OVERRIDE when it has no findings); throws when a finding is
 * neither overridden now nor by the item's stored override.
 */
export function judge(
  ctx: Ctx,
  argument: string,
  items: readonly ItemUnderCheck[],
  context: readonly ItemToCheck[],
  rules: Map<string, PeptideRules>,
  patient: PatientClinicalFacts,
): (StoredOverride | StoredOverrideRow | typeof NO_OVERRIDE)[] {
  const findings = clinicalFindings([...items, ...context], (id) => rules.get(id), patient).filter((finding) => finding.item < items.length);
  const blocking: { finding: ClinicalFinding; argument: string }[] = [];
  const stored = items.map((item, index) => {
    const own = findings.filter((finding) => finding.item === index);
    const override = item.override ? validateOverride(item.argument, item.override) : null;
    if (override) {
      const present = new Set(own.map((finding) => finding.rule));
      const stray = override.findings.filter((rule) => !present.has(rule));
      if (stray.length) throw badUserInput(`${item.argument}.override.findings`, `${stray.join(', ')} is not a finding of this item${own.length ? ` (its findings: ${[...present].join(', ')})` : ' (it has none)'}`);
    }
    // Overridden now, or (without a new override) still exactly what the item's override covered.
    const resolved = (finding: ClinicalFinding) => finding.overridable && (override ? override.findings.includes(finding.rule) : coveredBy(item.stored, finding));
    blocking.push(...own.filter((finding) => !resolved(finding)).map((finding) => ({ finding, argument: item.argument })));
    if (!own.length) return NO_OVERRIDE;
    if (!override) return item.stored ?? NO_OVERRIDE;
    return {
      overrideFindings: own.filter((finding) => override.findings.includes(finding.rule)).map(({ rule, limit, value, source, message }) => ({ rule, limit, value, source, message })),
      overrideReason: override.reason,
      overriddenBy: ctx.caller.userId ?? 'unknown',
      overriddenAt: new Date(),
    };
  });
  if (blocking.length) throw refused(argument, blocking);
  return stored;
}

/** Findings of items without judging them (checkContraindications): marked overridable and overridden as the write would treat them. */
export function findingsWithoutJudging(items: readonly ItemUnderCheck[], rules: Map<string, PeptideRules>, patient: PatientClinicalFacts) {
  return clinicalFindings(items, (id) => rules.get(id), patient).map((finding) => ({
    ...finding,
    overridden: finding.overridable && Boolean(items[finding.item].override?.findings.includes(finding.rule)),
  }));
}

