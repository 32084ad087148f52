// Rows for one demo patient across every domain (profile, membership, labs, protocols,
// wearables, check-ins, Luna). Each domain draws from its own PRNG stream keyed by the
// patient's index, so patient N is identical whatever the patient count or the order of
// the other domains.
import { seededUserId } from './identities';
import type { Prisma } from '../../generated/prisma/client';
import {
  BIOMARKERS,
  classify,
  formatRange,
  referenceRangeFor,
  type BiomarkerDefinition,
  type RangeSpec,
} from '../../subgraphs/labs/catalog';
import type { CatalogRefs } from './build-content';
import {
  ALLERGIES,
  CLINICIANS,
  CONDITIONS,
  CONVERSATIONS,
  FEMALE_NAMES,
  LAST_NAMES,
  MALE_NAMES,
  MEDICATIONS,
  PLANS,
  PRESCRIPTIONS,
  PROTOCOL_TEMPLATES,
  STACKS,
  TIMEZONES,
  TREATMENTS,
} from './content';
import { DAY_MS, HOUR_MS, Rng, round, uuidFor } from './random';
import { cursorSince } from '../../subgraphs/wearables/sync/cursor';

export interface PatientRows {
  customers: Prisma.CustomerCreateManyInput[];
  customerProfiles: Prisma.CustomerProfileCreateManyInput[];
  identityMappings: Prisma.IdentityMappingCreateManyInput[];
  memberships: Prisma.MembershipCreateManyInput[];
  patientEvents: Prisma.PatientEventCreateManyInput[];
  patientTreatments: Prisma.PatientTreatmentCreateManyInput[];
  patientPrescriptions: Prisma.PatientPrescriptionCreateManyInput[];
  follows: Prisma.FollowCreateManyInput[];
  labResults: Prisma.LabResultCreateManyInput[];
  biomarkerReadings: Prisma.BiomarkerReadingCreateManyInput[];
  protocols: Prisma.ProtocolCreateManyInput[];
  protocolItems: Prisma.ProtocolItemCreateManyInput[];
  protocolStacks: Prisma.ProtocolStackCreateManyInput[];
  protocolStackItems: Prisma.ProtocolStackItemCreateManyInput[];
  wearableConnections: Prisma.WearableConnectionCreateManyInput[];
  wearableReadings: Prisma.WearableReadingCreateManyInput[];
  wearableDailyStats: Prisma.WearableDailyStatCreateManyInput[];
  cgmConnections: Prisma.CgmConnectionCreateManyInput[];
  glucoseReadings: Prisma.GlucoseReadingCreateManyInput[];
  checkIns: Prisma.CheckInCreateManyInput[];
  conversations: Prisma.ConversationCreateManyInput[];
  chatMessages: Prisma.ChatMessageCreateManyInput[];
}

export function emptyPatientRows(): PatientRows {
  return {
    customers: [],
    customerProfiles: [],
    identityMappings: [],
    memberships: [],
    patientEvents: [],
    patientTreatments: [],
    patientPrescriptions: [],
    follows: [],
    labResults: [],
    biomarkerReadings: [],
    protocols: [],
    protocolItems: [],
    protocolStacks: [],
    protocolStackItems: [],
    wearableConnections: [],
    wearableReadings: [],
    wearableDailyStats: [],
    cgmConnections: [],
    glucoseReadings: [],
    checkIns: [],
    conversations: [],
    chatMessages: [],
  };
}

type Sex = 'FEMALE' | 'MALE';
type Provider = 'OURA' | 'WHOOP' | 'GARMIN' | 'DEXCOM';
type Metric =
  | 'SLEEP_SCORE'
  | 'SLEEP_DURATION'
  | 'HRV_RMSSD'
  | 'RESTING_HR'
  | 'RECOVERY_SCORE'
  | 'READINESS_SCORE'
  | 'STRAIN'
  | 'GLUCOSE'
  | 'STEPS'
  | 'SPO2';
type PatientEventType = Prisma.PatientEventCreateManyInput['type'];

/** Days of wearable history per connected patient. */
export const WEARABLE_DAYS = 30;

export const PROVIDER_METRICS: Record<Exclude<Provider, 'DEXCOM'>, Metric[]> = {
  OURA: ['SLEEP_SCORE', 'SLEEP_DURATION', 'HRV_RMSSD', 'RESTING_HR', 'READINESS_SCORE', 'STEPS', 'SPO2'],
  WHOOP: ['RECOVERY_SCORE', 'STRAIN', 'HRV_RMSSD', 'RESTING_HR', 'SLEEP_DURATION'],
  GARMIN: ['STEPS', 'RESTING_HR', 'SLEEP_SCORE', 'HRV_RMSSD'],
};

export const METRIC_UNITS: Record<Metric, string> = {
  SLEEP_SCORE: 'score',
  SLEEP_DURATION: 'min',
  HRV_RMSSD: 'ms',
  RESTING_HR: 'bpm',
  RECOVERY_SCORE: 'score',
  READINESS_SCORE: 'score',
  STRAIN: 'strain',
  GLUCOSE: 'mg/dL',
  STEPS: 'count',
  SPO2: '%',
};

const PROVIDER_SCOPES: Record<Provider, string[]> = {
  OURA: ['personal', 'daily', 'heartrate', 'session', 'spo2', 'workout'],
  WHOOP: ['read:recovery', 'read:cycles', 'read:sleep', 'read:workout', 'read:profile', 'offline'],
  GARMIN: ['activity_export', 'health_export'],
  DEXCOM: ['offline_access'],
};

const PROVIDER_LABEL: Record<Provider, string> = { OURA: 'Oura', WHOOP: 'WHOOP', GARMIN: 'Garmin', DEXCOM: 'Dexcom' };

const LABS = ['Quest Diagnostics', 'Labcorp', 'Quest Diagnostics', 'Labcorp', 'BioReference Laboratories'];

/** Report order of categories on a printed panel. */
const CATEGORY_ORDER = ['METABOLIC', 'KIDNEY', 'ELECTROLYTES', 'LIVER', 'LIPIDS', 'CBC', 'THYROID', 'HORMONES', 'IRON', 'VITAMINS', 'INFLAMMATION', 'OTHER'];
const CORE_PANEL = ['GLUCOSE', 'HBA1C', 'CHOLESTEROL_TOTAL', 'LDL_C', 'HDL_C', 'TRIGLYCERIDES', 'TSH', 'VITAMIN_D_25OH', 'CREATININE', 'EGFR', 'ALT', 'HEMOGLOBIN'];

export const pad = (n: number, width = 4) => String(n).padStart(width, '0');
const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const dayDate = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const sortByTime = <T>(items: T[], at: (item: T) => Date) => items.sort((a, b) => at(a).getTime() - at(b).getTime());

const localDayFormatters = new Map<string, Intl.DateTimeFormat>();
/** The patient's local calendar date of an instant, as YYYY-MM-DD. */
export function localDay(instant: Date, timeZone: string): string {
  let fmt = localDayFormatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    localDayFormatters.set(timeZone, fmt);
  }
  return fmt.format(instant);
}

const localHourFormatters = new Map<string, Intl.DateTimeFormat>();
function localHour(instant: Date, timeZone: string): number {
  let fmt = localHourFormatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' });
    localHourFormatters.set(timeZone, fmt);
  }
  return Number(fmt.format(instant));
}

function addMonths(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}

/** First monthly anniversary of `start` strictly after `after`. */
function nextAnniversary(start: Date, after: Date): Date {
  let months = Math.max(1, (after.getUTCFullYear() - start.getUTCFullYear()) * 12 + after.getUTCMonth() - start.getUTCMonth());
  let candidate = addMonths(start, months);
  while (candidate.getTime() <= after.getTime()) candidate = addMonths(start, ++months);
  return candidate;
}

function decimalsOf(range: RangeSpec | undefined): number {
  let decimals = 0;
  for (const v of [range?.low, range?.high]) {
    if (v === undefined) continue;
    const text = String(v);
    const dot = text.indexOf('.');
    if (dot >= 0) decimals = Math.max(decimals, text.length - dot - 1);
  }
  return Math.min(decimals, 3);
}

/** A value's position in the range: -1 at `low`, +1 at `high`. */
function bandOf(range: RangeSpec): { lo: number; hi: number } {
  if (range.low !== undefined && range.high !== undefined) return { lo: range.low, hi: range.high };
  if (range.high !== undefined) return { lo: range.high * 0.3, hi: range.high };
  if (range.low !== undefined) return { lo: range.low, hi: range.low * 2 };
  return { lo: 0, hi: 1 };
}

interface Ctx {
  index: number;
  today: Date;
  refs: CatalogRefs;
  out: PatientRows;
}

interface PatientInfo {
  profileId: string;
  sex: Sex;
  age: number;
  timezone: string;
  joinedAt: Date;
  conditions: string[];
}

/** Conditions nudge the matching biomarkers (z: -1 at the range's low end, +1 at its high end). */
const CONDITION_TENDENCIES: Record<string, Record<string, number>> = {
  Prediabetes: { GLUCOSE: 1.5, HBA1C: 1.4, INSULIN: 0.9, TRIGLYCERIDES: 0.8 },
  'Type 2 diabetes': { GLUCOSE: 2.6, HBA1C: 2.5, TRIGLYCERIDES: 1.2, INSULIN: 1.1 },
  Hyperlipidemia: { LDL_C: 1.6, CHOLESTEROL_TOTAL: 1.3, NON_HDL_C: 1.5, APOB: 1.4, TRIGLYCERIDES: 1.2 },
  Hypothyroidism: { TSH: 1.3, FREE_T4: -0.7, TPO_AB: 2.0 },
  'Iron deficiency': { FERRITIN: -1.1, IRON: -1.2, TRANSFERRIN_SATURATION: -1.3, TIBC: 1.2, HEMOGLOBIN: -0.9 },
  'Low testosterone': { TESTOSTERONE_TOTAL: -1.3, TESTOSTERONE_FREE: -1.2 },
  Hypertension: { SODIUM: 0.4 },
  Perimenopause: { FSH: 0.8, ESTRADIOL: -0.4 },
  PCOS: { TESTOSTERONE_TOTAL: 1.3, LH: 0.9, INSULIN: 0.9 },
};

interface EventCandidate {
  type: PatientEventType;
  title: string;
  source: string;
  occurredAt: Date;
  detail?: Prisma.InputJsonValue;
}

export function buildPatient(ctx: Ctx): void {
  const { index, today, out } = ctx;
  const t0 = today.getTime();
  const rng = new Rng(`patient:${index}:profile`);
  const sex: Sex = index % 2 === 1 ? 'FEMALE' : 'MALE';
  const firstName = rng.pick(sex === 'FEMALE' ? FEMALE_NAMES : MALE_NAMES);
  const lastName = rng.pick(LAST_NAMES);
  const email = `${firstName}.${lastName}.${index}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, '');
  const age = rng.int(20, 79);
  const dateOfBirth = new Date(Date.UTC(today.getUTCFullYear() - age - 1, today.getUTCMonth(), today.getUTCDate() + rng.int(1, 364)));
  const joinedAt = new Date(t0 - rng.int(45, 720) * DAY_MS + rng.int(12, 23) * HOUR_MS + rng.int(0, 59) * 60_000);
  const customerId = uuidFor(`customer:${index}`);
  const profileId = uuidFor(`profile:${index}`);
  const timezone = rng.pick(TIMEZONES);
  const conditions = rng.chance(0.45)
    ? []
    : rng
        .sample(CONDITIONS, rng.int(1, 3))
        .filter((c) => (sex === 'FEMALE' ? c !== 'Low testosterone' : !['PCOS', 'Perimenopause'].includes(c)));

  out.customers.push({
    id: customerId,
    email,
    firstName,
    lastName,
    stripeCustomerId: `cus_seed${pad(index, 6)}`,
    createdAt: joinedAt,
  });
  const heightCm = round(sex === 'FEMALE' ? rng.normal(164, 7) : rng.normal(177, 7.5), 1);
  const bmi = clamp(rng.normal(26.5, 4.5), 18.5, 42);
  out.customerProfiles.push({
    id: profileId,
    customerId,
    firstName,
    lastName,
    email,
    phone: rng.chance(0.8) ? `+1${rng.pick(['212', '312', '415', '512', '617', '720', '808', '305'])}55501${pad(rng.int(0, 99), 2)}` : null,
    dateOfBirth,
    sex,
    timezone,
    conditions,
    medications: rng.chance(0.4) ? [] : rng.sample(MEDICATIONS, rng.int(1, 3)).filter((m) => sex === 'FEMALE' || !m.startsWith('Estradiol')),
    allergies: rng.chance(0.7) ? [] : rng.sample(ALLERGIES, rng.int(1, 2)),
    heightCm,
    weightKg: round((bmi * heightCm * heightCm) / 10_000, 1),
    createdAt: joinedAt,
    updatedAt: new Date(joinedAt.getTime() + rng.int(0, 30) * DAY_MS),
  });
  out.identityMappings.push({
    id: uuidFor(`identity:${index}`),
    provider: 'clerk',
    externalUserId: seededUserId(index),
    profileId,
    createdAt: joinedAt,
  });

  const patient: PatientInfo = { profileId, sex, age, timezone, joinedAt, conditions };
  const events: EventCandidate[] = [];
  buildMembership(ctx, patient, events);
  buildCare(ctx, patient);
  buildFollows(ctx, patient);
  buildLabs(ctx, patient, events);
  buildProtocols(ctx, patient, events);
  buildWearables(ctx, patient, events);
  buildCheckIns(ctx, patient, events);
  buildConversations(ctx, patient, events);
  buildEvents(ctx, patient, events);
}

function buildMembership(ctx: Ctx, p: PatientInfo, events: EventCandidate[]): void {
  const { index, today, out } = ctx;
  const rng = new Rng(`patient:${index}:membership`);
  const t0 = today.getTime();
  const status = rng.weighted([
    ['ACTIVE', 80],
    ['TRIALING', 6],
    ['PAST_DUE', 5],
    ['CANCELED', 9],
  ] as const);
  const plan = rng.weighted<(typeof PLANS)[number]>([
    [PLANS[0], 55],
    [PLANS[1], 30],
    [PLANS[2], 15],
  ] as const);
  let startedAt = p.joinedAt;
  // Some members upgraded: an earlier Core membership, canceled when the current one began.
  if (status !== 'TRIALING' && plan.plan !== 'Core' && rng.chance(0.25)) {
    const upgradeAt = new Date(p.joinedAt.getTime() + rng.int(30, Math.max(31, Math.floor((t0 - p.joinedAt.getTime()) / DAY_MS) - 5)) * DAY_MS);
    if (upgradeAt.getTime() < t0) {
      out.memberships.push({
        id: uuidFor(`membership:${index}:0`),
        profileId: p.profileId,
        plan: 'Core',
        status: 'CANCELED',
        priceCents: PLANS[0].priceCents,
        currency: 'USD',
        startedAt: p.joinedAt,
        currentPeriodEnd: upgradeAt,
        canceledAt: upgradeAt,
        createdAt: p.joinedAt,
      });
      events.push({ type: 'MEMBERSHIP_CHANGED', title: 'Started Core membership', source: 'patient', occurredAt: p.joinedAt, detail: { plan: 'Core', status: 'ACTIVE' } });
      startedAt = upgradeAt;
    }
  }
  let currentPeriodEnd: Date;
  let canceledAt: Date | null = null;
  if (status === 'TRIALING') {
    startedAt = new Date(Math.max(startedAt.getTime(), t0 - rng.int(1, 12) * DAY_MS + rng.int(13, 22) * HOUR_MS));
    currentPeriodEnd = new Date(startedAt.getTime() + 14 * DAY_MS);
  } else if (status === 'CANCELED') {
    canceledAt = new Date(startedAt.getTime() + Math.floor(rng.float() * (t0 - startedAt.getTime())));
    currentPeriodEnd = nextAnniversary(startedAt, canceledAt);
  } else if (status === 'PAST_DUE') {
    currentPeriodEnd = new Date(t0 - rng.int(1, 6) * DAY_MS);
  } else {
    currentPeriodEnd = nextAnniversary(startedAt, today);
  }
  out.memberships.push({
    id: uuidFor(`membership:${index}:1`),
    profileId: p.profileId,
    plan: plan.plan,
    status,
    priceCents: plan.priceCents,
    currency: 'USD',
    startedAt,
    currentPeriodEnd,
    canceledAt,
    createdAt: startedAt,
  });
  events.push({
    type: 'MEMBERSHIP_CHANGED',
    title: status === 'TRIALING' ? `Started ${plan.plan} trial` : `Started ${plan.plan} membership`,
    source: 'patient',
    occurredAt: startedAt,
    detail: { plan: plan.plan, status: status === 'TRIALING' ? 'TRIALING' : 'ACTIVE' },
  });
  if (canceledAt) {
    events.push({ type: 'MEMBERSHIP_CHANGED', title: `Canceled ${plan.plan} membership`, source: 'patient', occurredAt: canceledAt, detail: { plan: plan.plan, status: 'CANCELED' } });
  }
}

function buildCare(ctx: Ctx, p: PatientInfo): void {
  const { index, today, out } = ctx;
  const rng = new Rng(`patient:${index}:care`);
  const t0 = today.getTime();
  const sinceJoin = Math.max(2, Math.floor((t0 - p.joinedAt.getTime()) / DAY_MS));
  const treatments = rng.sample(TREATMENTS, rng.int(0, 3)).filter((t) => p.sex === 'FEMALE' || t !== 'Menopause hormone therapy');
  treatments.forEach((name, k) => {
    const status = rng.weighted([
      ['ACTIVE', 55],
      ['COMPLETED', 20],
      ['PLANNED', 15],
      ['STOPPED', 10],
    ] as const);
    const startedAt =
      status === 'PLANNED'
        ? new Date(t0 + rng.int(3, 30) * DAY_MS + 15 * HOUR_MS)
        : new Date(p.joinedAt.getTime() + rng.int(1, sinceJoin - 1) * DAY_MS);
    const ended = status === 'COMPLETED' || status === 'STOPPED';
    const endedAt = ended ? new Date(startedAt.getTime() + Math.floor(rng.float() * (t0 - startedAt.getTime()))) : null;
    out.patientTreatments.push({
      id: uuidFor(`treatment:${index}:${k}`),
      profileId: p.profileId,
      name,
      status,
      providerName: rng.pick(CLINICIANS),
      notes: rng.chance(0.5) ? rng.pick(['Reviewed labs before starting.', 'Titrate slowly; check in at 4 weeks.', 'Member prefers evening dosing.', 'Recheck labs in 12 weeks.']) : null,
      startedAt,
      endedAt,
      createdAt: status === 'PLANNED' ? new Date(t0 - rng.int(1, 5) * DAY_MS) : startedAt,
    });
  });
  const prescriptions = rng.sample(PRESCRIPTIONS, rng.int(0, 3)).filter(
    (rx) => p.sex === 'FEMALE' || !['Progesterone (micronized)', 'Estradiol patch'].includes(rx.medication),
  );
  prescriptions.forEach((rx, k) => {
    const prescribedAt = new Date(p.joinedAt.getTime() + rng.int(1, sinceJoin - 1) * DAY_MS + rng.int(0, 8) * HOUR_MS);
    const expiresAt = new Date(prescribedAt.getTime() + 365 * DAY_MS);
    const status = expiresAt.getTime() < t0 ? 'EXPIRED' : rng.chance(0.1) ? 'CANCELED' : 'ACTIVE';
    out.patientPrescriptions.push({
      id: uuidFor(`prescription:${index}:${k}`),
      profileId: p.profileId,
      medication: rx.medication,
      dosage: rx.dosage,
      frequency: rx.frequency,
      prescriber: rng.pick(CLINICIANS),
      status,
      refillsRemaining: status === 'ACTIVE' ? rng.int(0, 5) : 0,
      prescribedAt,
      expiresAt,
      createdAt: prescribedAt,
    });
  });
}

function buildFollows(ctx: Ctx, p: PatientInfo): void {
  const { index, today, refs, out } = ctx;
  const rng = new Rng(`patient:${index}:follows`);
  const targets: { type: string; id: string }[] = [
    ...refs.publishedPeptideIds.map((id) => ({ type: 'PEPTIDE', id })),
    ...refs.publishedStackIds.map((id) => ({ type: 'STACK', id })),
    ...refs.publishedGoalIds.map((id) => ({ type: 'GOAL', id })),
  ];
  const span = Math.max(1, today.getTime() - p.joinedAt.getTime());
  rng.sample(targets, rng.int(1, 4)).forEach((target, k) => {
    out.follows.push({
      id: uuidFor(`follow:${index}:${k}`),
      profileId: p.profileId,
      targetType: target.type,
      targetId: target.id,
      createdAt: new Date(p.joinedAt.getTime() + Math.floor(rng.float() * span)),
    });
  });
}

function buildLabs(ctx: Ctx, p: PatientInfo, events: EventCandidate[]): void {
  const { index, today, out } = ctx;
  const rng = new Rng(`patient:${index}:labs`);
  const t0 = today.getTime();
  const eligible = BIOMARKERS.filter((def) => referenceRangeFor(def, p.sex, p.age) !== undefined);
  const eligibleCodes = new Set(eligible.map((def) => def.code));
  // A stable per-patient tendency for each biomarker, so repeat results look like one person.
  const tendency = new Map<string, number>();
  for (const def of eligible) {
    const roll = rng.float();
    const z = roll < 0.08 ? rng.between(1.1, 1.9) : roll < 0.14 ? -rng.between(1.1, 1.7) : clamp(rng.normal(0, 0.45), -0.95, 0.95);
    tendency.set(def.code, z);
  }
  for (const condition of p.conditions) {
    for (const [code, z] of Object.entries(CONDITION_TENDENCIES[condition] ?? {})) {
      if (tendency.has(code)) tendency.set(code, z + rng.normal(0, 0.2));
    }
  }
  const resultCount = rng.int(1, 4);
  const offsets = rng.sample(Array.from({ length: 360 }, (_, d) => d + 4), resultCount).sort((a, b) => b - a);
  offsets.forEach((daysAgo, r) => {
    const labResultId = uuidFor(`lab:${index}:${r}`);
    const labName = rng.pick(LABS);
    const collectedAt = new Date(t0 - daysAgo * DAY_MS + rng.int(12, 17) * HOUR_MS + rng.int(0, 59) * 60_000);
    const reportedAt = new Date(Math.min(t0, collectedAt.getTime() + rng.int(20, 60) * HOUR_MS));
    // Results from before the member joined were added to the record when they joined.
    const addedAt = new Date(Math.max(reportedAt.getTime(), p.joinedAt.getTime() + 2 * HOUR_MS));
    out.labResults.push({
      id: labResultId,
      profileId: p.profileId,
      source: 'SEED',
      labName,
      fileName: null,
      contentHash: null,
      collectedAt,
      reportedAt,
      createdAt: addedAt,
    });
    const count = rng.int(15, 30);
    const core = CORE_PANEL.filter((code) => eligibleCodes.has(code));
    const extras = rng.sample(
      eligible.map((def) => def.code).filter((code) => !core.includes(code)),
      Math.max(0, count - core.length),
    );
    const chosen = eligible
      .filter((def) => core.includes(def.code) || extras.includes(def.code))
      .sort((a, b) => CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category));
    let flagged = 0;
    chosen.forEach((def, position) => {
      const reading = makeReading(rng, def, p, tendency.get(def.code) ?? 0);
      if (reading.status !== 'NORMAL' && reading.status !== 'OPTIMAL') flagged++;
      out.biomarkerReadings.push({ id: uuidFor(`reading:${index}:${r}:${def.code}`), labResultId, position, ...reading });
    });
    events.push({
      type: 'LAB_RESULT_ADDED',
      title: `Lab results from ${labName}`,
      source: 'labs',
      occurredAt: addedAt,
      detail: { labResultId, readings: chosen.length, flagged },
    });
  });
}

function makeReading(rng: Rng, def: BiomarkerDefinition, p: PatientInfo, tendency: number) {
  const range = referenceRangeFor(def, p.sex, p.age) as RangeSpec;
  const { lo, hi } = bandOf(range);
  const mid = (lo + hi) / 2;
  const half = (hi - lo) / 2;
  const decimals = decimalsOf(range);
  // A bound the range does not have cannot be crossed: no "high" HDL, no "low" LDL outliers.
  const z = clamp(tendency + rng.normal(0, 0.12), range.low === undefined ? -1 : -4, range.high === undefined ? 1 : 4);
  const minPositive = 10 ** -decimals;
  // Inside the range z maps linearly; below it, the excess shrinks with the bound so a
  // low outlier stays plausible (vitamin D ~20, not ~5).
  const raw = z >= -1 ? mid + z * half : lo + (z + 1) * Math.min(half, lo * 0.5);
  const rawValue = Math.max(minPositive, raw).toFixed(decimals);
  const value = Number(rawValue);
  const status = classify(def, value, p.sex, p.age);
  const printedRange = formatRange(range) ?? null;
  const labFlag =
    status === 'CRITICAL_HIGH' ? 'HH' : status === 'CRITICAL_LOW' ? 'LL' : status === 'HIGH' ? 'H' : status === 'LOW' ? 'L' : null;
  const rawName = rng.pick(def.synonyms);
  return {
    code: def.code,
    rawName,
    rawValue,
    rawUnit: def.unit,
    value,
    unit: def.unit,
    status,
    printedRange,
    referenceLow: range.low ?? null,
    referenceHigh: range.high ?? null,
    labFlag,
    sourceLine: [rawName, rawValue, labFlag, printedRange, def.unit].filter(Boolean).join(' '),
  };
}

function buildProtocols(ctx: Ctx, p: PatientInfo, events: EventCandidate[]): void {
  const { index, today, refs, out } = ctx;
  const rng = new Rng(`patient:${index}:protocols`);
  const t0 = today.getTime();
  const templates = rng.sample(PROTOCOL_TEMPLATES, rng.int(1, 2));
  templates.forEach((template, k) => {
    const protocolId = uuidFor(`protocol:${index}:${k}`);
    const status = rng.weighted([
      ['ACTIVE', 65],
      ['COMPLETED', 15],
      ['PAUSED', 8],
      ['DRAFT', 12],
    ] as const);
    const durationWeeks = rng.pick([8, 12, 12, 16]);
    let startDate: Date | null;
    let endDate: Date | null;
    if (status === 'DRAFT') {
      startDate = rng.chance(0.5) ? new Date(t0 + rng.int(3, 21) * DAY_MS) : null;
      endDate = startDate ? new Date(startDate.getTime() + durationWeeks * 7 * DAY_MS) : null;
    } else if (status === 'COMPLETED') {
      startDate = new Date(t0 - (durationWeeks * 7 + rng.int(10, 200)) * DAY_MS);
      endDate = new Date(startDate.getTime() + durationWeeks * 7 * DAY_MS);
    } else {
      startDate = new Date(t0 - rng.int(3, durationWeeks * 7 - 1) * DAY_MS);
      endDate = new Date(startDate.getTime() + durationWeeks * 7 * DAY_MS);
    }
    const createdAt = new Date((startDate && startDate.getTime() < t0 ? startDate.getTime() : t0) - rng.int(1, 7) * DAY_MS + rng.int(14, 22) * HOUR_MS);
    const clinician = rng.pick(CLINICIANS);
    out.protocols.push({
      id: protocolId,
      profileId: p.profileId,
      name: template.name,
      goal: template.goal,
      status,
      startDate,
      endDate,
      notes: rng.chance(0.5) ? rng.pick(['Start low and titrate after 2 weeks.', 'Retest IGF-1 and CMP at 12 weeks.', 'Rotate injection sites.', 'Pause if persistent nausea.']) : null,
      createdBy: clinician,
      createdAt,
      updatedAt: new Date(createdAt.getTime() + rng.int(0, 3) * DAY_MS),
    });
    const slugs = template.peptides.filter((slug) => refs.peptides.has(slug)).slice(0, rng.int(1, Math.min(4, template.peptides.length)));
    slugs.forEach((slug, position) => {
      const peptide = refs.peptides.get(slug)!;
      const { dosing } = peptide.seed;
      out.protocolItems.push({
        id: uuidFor(`protocol-item:${index}:${k}:${position}`),
        protocolId,
        peptideId: peptide.id,
        doseAmount: dosing.amount,
        doseUnit: dosing.unit,
        frequency: dosing.frequency,
        route: dosing.route,
        timing: dosing.timing ?? null,
        durationWeeks,
        notes: null,
        position,
        createdAt,
      });
    });
    if (status !== 'DRAFT' && startDate) {
      events.push({
        type: 'PROTOCOL_STARTED',
        title: `Started protocol: ${template.name}`,
        source: 'protocols',
        occurredAt: new Date(startDate.getTime() + 15 * HOUR_MS),
        detail: { protocolId, items: slugs.length },
      });
    }
    if (status === 'PAUSED' || status === 'COMPLETED') {
      const at = status === 'COMPLETED' ? endDate! : new Date(t0 - rng.int(1, 5) * DAY_MS);
      events.push({ type: 'PROTOCOL_UPDATED', title: `Protocol ${status.toLowerCase()}: ${template.name}`, source: 'protocols', occurredAt: at, detail: { protocolId, status } });
    }
  });

  if (rng.chance(0.4)) {
    const stack = rng.pick(STACKS.filter((s) => !s.draft));
    const stackId = uuidFor(`protocol-stack:${index}`);
    out.protocolStacks.push({
      id: stackId,
      profileId: p.profileId,
      name: `My ${stack.name.toLowerCase()}`,
      description: stack.description,
      active: rng.chance(0.8),
      createdAt: new Date(t0 - rng.int(5, 120) * DAY_MS),
    });
    const candidates = [...new Set([...stack.peptides, ...rng.sample([...refs.peptides.keys()], 3)])].filter((slug) => refs.peptides.has(slug));
    candidates.slice(0, rng.int(2, 3)).forEach((slug, position) => {
      const { dosing } = refs.peptides.get(slug)!.seed;
      out.protocolStackItems.push({
        id: uuidFor(`protocol-stack-item:${index}:${position}`),
        stackId,
        peptideId: refs.peptides.get(slug)!.id,
        dose: `${dosing.amount} ${dosing.unit}`,
        frequency: dosing.frequency,
        position,
      });
    });
  }
}

interface MetricModel {
  base: number;
  sd: number;
  lo: number;
  hi: number;
  decimals: number;
  weekendDelta?: number;
}

function metricModel(rng: Rng, metric: Metric, p: PatientInfo): MetricModel {
  switch (metric) {
    case 'SLEEP_SCORE':
      return { base: rng.between(68, 86), sd: 6, lo: 35, hi: 99, decimals: 0, weekendDelta: 3 };
    case 'SLEEP_DURATION':
      return { base: rng.between(370, 480), sd: 35, lo: 220, hi: 620, decimals: 0, weekendDelta: 35 };
    case 'HRV_RMSSD':
      return { base: Math.max(14, 72 - 0.65 * (p.age - 20) + rng.normal(0, 10)), sd: 6, lo: 8, hi: 160, decimals: 0 };
    case 'RESTING_HR':
      return { base: rng.between(50, 70), sd: 2.5, lo: 38, hi: 95, decimals: 0 };
    case 'READINESS_SCORE':
      return { base: rng.between(66, 86), sd: 7, lo: 30, hi: 100, decimals: 0 };
    case 'RECOVERY_SCORE':
      return { base: rng.between(40, 72), sd: 17, lo: 1, hi: 99, decimals: 0 };
    case 'STRAIN':
      return { base: rng.between(7, 14), sd: 3, lo: 0, hi: 21, decimals: 1, weekendDelta: 1.5 };
    case 'STEPS':
      return { base: rng.between(4500, 12000), sd: 2200, lo: 600, hi: 30000, decimals: 0, weekendDelta: -800 };
    case 'SPO2':
      return { base: rng.between(95.5, 98.2), sd: 0.6, lo: 90, hi: 100, decimals: 1 };
    case 'GLUCOSE':
      return { base: 95, sd: 10, lo: 70, hi: 180, decimals: 0 };
  }
}

function buildWearables(ctx: Ctx, p: PatientInfo, events: EventCandidate[]): void {
  const { index, today, out } = ctx;
  const rng = new Rng(`patient:${index}:wearables`);
  if (!rng.chance(0.7)) return;
  const t0 = today.getTime();
  const pair = rng.chance(0.35);
  const providers: Provider[] = rng.chance(0.145)
    ? ['DEXCOM', ...(pair ? rng.sample(['OURA', 'WHOOP', 'GARMIN'] as const, 1) : [])]
    : rng.sample(['OURA', 'WHOOP', 'GARMIN'] as const, pair ? 2 : 1);

  // One latent daily value per metric, shared by every device the patient wears.
  const models = new Map<Metric, MetricModel>();
  const latent = new Map<Metric, number[]>();
  const modelRng = new Rng(`patient:${index}:wearables:model`);
  for (const metric of Object.keys(METRIC_UNITS) as Metric[]) {
    const model = metricModel(modelRng, metric, p);
    models.set(metric, model);
    latent.set(
      metric,
      Array.from({ length: WEARABLE_DAYS + 1 }, () => modelRng.normal(0, model.sd)),
    );
  }

  const readings: { metric: Metric; value: number; at: Date }[] = [];
  for (const provider of providers) {
    const connectedAt = new Date(t0 - rng.int(WEARABLE_DAYS + 5, 400) * DAY_MS + rng.int(13, 23) * HOUR_MS);
    const lastSyncedAt = new Date(t0 - rng.int(1, 9) * HOUR_MS - rng.int(0, 59) * 60_000);
    out.wearableConnections.push({
      id: uuidFor(`wearable:${index}:${provider}`),
      profileId: p.profileId,
      provider,
      status: 'CONNECTED',
      externalUserId: `${provider.toLowerCase()}-${uuidFor(`wearable-user:${index}:${provider}`).slice(0, 8)}`,
      accessTokenEnc: null,
      refreshTokenEnc: null,
      tokenKeyId: null,
      tokenExpiresAt: null,
      scopes: PROVIDER_SCOPES[provider],
      // The seed wrote the history up to today: a sync (at the provider's simulator, which the
      // connection signs in to as externalUserId on its first sync) continues from there.
      syncCursor: cursorSince(today),
      lastSyncedAt,
      lastError: null,
      connectedAt,
    });
    events.push({
      type: 'WEARABLE_CONNECTED',
      title: `Connected ${PROVIDER_LABEL[provider]}`,
      source: 'wearables',
      occurredAt: connectedAt,
      detail: { provider },
    });

    if (provider === 'DEXCOM') {
      buildGlucose(ctx, p, rng, connectedAt, readings);
      continue;
    }
    for (const metric of PROVIDER_METRICS[provider]) {
      const model = models.get(metric)!;
      const series = latent.get(metric)!;
      for (let d = 1; d <= WEARABLE_DAYS; d++) {
        const dayStart = t0 - d * DAY_MS;
        const weekday = new Date(dayStart).getUTCDay();
        const weekend = weekday === 0 || weekday === 6 ? (model.weekendDelta ?? 0) : 0;
        // Devices disagree a little: a small per-provider error on the shared latent value.
        const raw = model.base + series[d] + weekend + rng.normal(0, model.sd * 0.15);
        const value = round(clamp(raw, model.lo, model.hi), model.decimals);
        // 11:00-13:00 UTC: the same calendar date in every seed time zone.
        const at = new Date(dayStart + 11 * HOUR_MS + rng.int(0, 119) * 60_000);
        readings.push({ metric, value, at });
        out.wearableReadings.push({
          id: uuidFor(`wearable-reading:${index}:${provider}:${metric}:${d}`),
          profileId: p.profileId,
          provider,
          metric,
          value,
          unit: METRIC_UNITS[metric],
          recordedAt: at,
          providerReadingId: `${provider}-${index}-${metric}-${d}`,
          createdAt: new Date(Math.min(t0, at.getTime() + 2 * HOUR_MS)),
        });
      }
    }
  }

  // Daily stats: per metric per local day of the patient, across all devices.
  const stats = new Map<string, { metric: Metric; day: string; min: number; max: number; sum: number; count: number }>();
  for (const r of readings) {
    const day = localDay(r.at, p.timezone);
    const key = `${r.metric}|${day}`;
    const s = stats.get(key);
    if (s) {
      s.min = Math.min(s.min, r.value);
      s.max = Math.max(s.max, r.value);
      s.sum += r.value;
      s.count++;
    } else {
      stats.set(key, { metric: r.metric, day, min: r.value, max: r.value, sum: r.value, count: 1 });
    }
  }
  for (const s of [...stats.values()].sort((a, b) => (a.metric + a.day).localeCompare(b.metric + b.day))) {
    out.wearableDailyStats.push({
      id: uuidFor(`wearable-stat:${index}:${s.metric}:${s.day}`),
      profileId: p.profileId,
      metric: s.metric,
      day: dayDate(s.day),
      min: s.min,
      max: s.max,
      avg: round(s.sum / s.count, 2),
      count: s.count,
      unit: METRIC_UNITS[s.metric],
      updatedAt: new Date(Math.min(t0, dayDate(s.day).getTime() + 2 * DAY_MS)),
    });
  }
}

function trendOf(delta: number): Prisma.GlucoseReadingCreateManyInput['trend'] {
  const a = Math.abs(delta);
  if (a < 15) return 'FLAT';
  if (a < 30) return delta > 0 ? 'FORTY_FIVE_UP' : 'FORTY_FIVE_DOWN';
  if (a < 50) return delta > 0 ? 'SINGLE_UP' : 'SINGLE_DOWN';
  return delta > 0 ? 'DOUBLE_UP' : 'DOUBLE_DOWN';
}

/** A reading every 2 hours for the last WEARABLE_DAYS days, with meal-shaped rises. */
function buildGlucose(ctx: Ctx, p: PatientInfo, rng: Rng, connectedAt: Date, readings: { metric: Metric; value: number; at: Date }[]): void {
  const { index, today, out } = ctx;
  const t0 = today.getTime();
  const fasting = rng.between(84, 108);
  const mealPeak = rng.between(25, 55);
  const meals = [8, 13, 19];
  const start = t0 - WEARABLE_DAYS * DAY_MS;
  const total = (WEARABLE_DAYS * 24) / 2;
  let previous: number | null = null;
  let last: Date | null = null;
  for (let k = 0; k < total; k++) {
    const at = new Date(start + k * 2 * HOUR_MS + rng.int(0, 4) * 60_000);
    const hour = localHour(at, p.timezone) + at.getUTCMinutes() / 60;
    let rise = 0;
    for (const m of meals) {
      const dt = hour - (m + 1);
      rise += mealPeak * Math.exp(-(dt * dt) / 1.2) * rng.between(0.6, 1.3);
    }
    const dawn = hour >= 4 && hour < 8 ? 6 : 0;
    const value = Math.round(clamp(fasting + rise + dawn + rng.normal(0, 6), 70, 180));
    const trend = previous === null ? 'NOT_COMPUTABLE' : trendOf(value - previous);
    previous = value;
    last = at;
    const providerReadingId = `DEXCOM-${index}-GLUCOSE-${k}`;
    out.glucoseReadings.push({
      id: uuidFor(`glucose:${index}:${k}`),
      profileId: p.profileId,
      valueMgDl: value,
      trend,
      recordedAt: at,
      providerReadingId,
    });
    out.wearableReadings.push({
      id: uuidFor(`wearable-reading:${index}:DEXCOM:GLUCOSE:${k}`),
      profileId: p.profileId,
      provider: 'DEXCOM',
      metric: 'GLUCOSE',
      value,
      unit: 'mg/dL',
      recordedAt: at,
      providerReadingId,
      createdAt: new Date(Math.min(t0, at.getTime() + 3 * HOUR_MS)),
    });
    readings.push({ metric: 'GLUCOSE', value, at });
  }
  out.cgmConnections.push({
    id: uuidFor(`cgm:${index}`),
    profileId: p.profileId,
    provider: 'DEXCOM',
    deviceSerial: `G7${uuidFor(`cgm-serial:${index}`).replace(/-/g, '').slice(0, 8).toUpperCase()}`,
    status: 'CONNECTED',
    connectedAt,
    lastReadingAt: last,
  });
}

function buildCheckIns(ctx: Ctx, p: PatientInfo, events: EventCandidate[]): void {
  const { index, today, out } = ctx;
  const rng = new Rng(`patient:${index}:check-ins`);
  if (!rng.chance(0.5)) return;
  const t0 = today.getTime();
  const mondayThisWeek = t0 - ((new Date(t0).getUTCDay() + 6) % 7) * DAY_MS;
  const baseline = rng.between(5, 8);
  for (let w = 4; w >= 1; w--) {
    const weekStart = new Date(mondayThisWeek - w * 7 * DAY_MS);
    const score = (shift = 0) => clamp(Math.round(baseline + shift + rng.normal(0, 1.2)), 1, 10);
    const createdAt = new Date(weekStart.getTime() + rng.int(4, 6) * DAY_MS + rng.int(12, 23) * HOUR_MS);
    const row = {
      id: uuidFor(`check-in:${index}:${w}`),
      profileId: p.profileId,
      weekStart,
      energy: score(),
      sleepQuality: score(-0.5),
      mood: score(0.3),
      stress: clamp(Math.round(11 - baseline + rng.normal(0, 1.5)), 1, 10),
      adherence: clamp(Math.round(rng.between(6, 10.4)), 1, 10),
      notes: rng.chance(0.4) ? rng.pick(['Felt great this week.', 'Travel disrupted my sleep.', 'Missed two doses while away.', 'Energy better in the afternoons.', 'Stressful week at work.', 'Mild nausea after dose increase.']) : null,
      createdAt,
    };
    out.checkIns.push(row);
    if (w === 1) {
      events.push({
        type: 'CHECK_IN',
        title: 'Weekly check-in',
        source: 'wearables',
        occurredAt: createdAt,
        detail: { energy: row.energy, sleepQuality: row.sleepQuality, mood: row.mood, stress: row.stress, adherence: row.adherence },
      });
    }
  }
}

function buildConversations(ctx: Ctx, p: PatientInfo, events: EventCandidate[]): void {
  const { index, today, out } = ctx;
  const rng = new Rng(`patient:${index}:luna`);
  if (!rng.chance(0.6)) return;
  const t0 = today.getTime();
  rng.sample(CONVERSATIONS, rng.int(1, 3)).forEach((template, c) => {
    const conversationId = uuidFor(`conversation:${index}:${c}`);
    const daysAgo = rng.int(1, 90);
    let at = t0 - daysAgo * DAY_MS + rng.int(12, 22) * HOUR_MS + rng.int(0, 59) * 60_000;
    const createdAt = new Date(at);
    const messageCount = rng.int(2, 6);
    const turns = template.turns.flatMap(([question, answer]) => [
      { role: 'USER' as const, content: question },
      { role: 'ASSISTANT' as const, content: answer },
    ]);
    const messages = turns.slice(0, Math.min(messageCount - (messageCount % 2), turns.length));
    messages.forEach((message, m) => {
      at += (message.role === 'USER' ? rng.int(30, 240) : rng.int(3, 12)) * 1000;
      const emergency = message.role === 'ASSISTANT' && /call 911/.test(message.content);
      out.chatMessages.push({
        id: uuidFor(`message:${index}:${c}:${m}`),
        conversationId,
        role: message.role,
        content: message.content,
        status: 'COMPLETE',
        ...(message.role === 'ASSISTANT' && m === 1 && /labs|LDL|vitamin D|testosterone/i.test(template.title)
          ? { toolCalls: [{ name: 'get_lab_results', arguments: { patientId: p.profileId, latest: true } }] }
          : {}),
        ...(emergency ? { guardrails: { emergency: true, notice: 'Emergency guidance shown' } } : {}),
        createdAt: new Date(at),
      });
    });
    out.conversations.push({
      id: conversationId,
      profileId: p.profileId,
      title: template.title,
      status: daysAgo > 60 && rng.chance(0.5) ? 'ARCHIVED' : 'ACTIVE',
      lastMessageAt: new Date(at),
      createdAt,
    });
    events.push({ type: 'LUNA_CONVERSATION', title: `Asked Luna: ${template.title}`, source: 'luna', occurredAt: createdAt, detail: { conversationId } });
  });
}

function buildEvents(ctx: Ctx, p: PatientInfo, candidates: EventCandidate[]): void {
  const { index, today, out } = ctx;
  const rng = new Rng(`patient:${index}:events`);
  const t0 = today.getTime();
  const wanted = rng.int(3, 8);
  const past = candidates.filter((e) => e.occurredAt.getTime() <= t0);
  const [first, ...rest] = sortByTime(past, (e) => e.occurredAt);
  const chosen = first ? [first, ...rng.sample(rest, wanted - 1)] : [];
  const span = Math.max(DAY_MS, t0 - p.joinedAt.getTime());
  const fillers: Omit<EventCandidate, 'occurredAt'>[] = [
    { type: 'PROFILE_UPDATED', title: 'Updated health history', source: 'patient', detail: { fields: ['conditions', 'medications'] } },
    { type: 'NOTE', title: 'Care team note', source: 'patient', detail: { author: rng.pick(CLINICIANS), text: 'Reviewed goals and next steps with the member.' } },
    { type: 'PROFILE_UPDATED', title: 'Updated contact details', source: 'patient', detail: { fields: ['phone'] } },
    { type: 'NOTE', title: 'Onboarding call completed', source: 'patient', detail: { author: rng.pick(CLINICIANS) } },
  ];
  let f = 0;
  while (chosen.length < wanted) {
    chosen.push({ ...fillers[f++ % fillers.length], occurredAt: new Date(p.joinedAt.getTime() + Math.floor(rng.float() * span)) });
  }
  sortByTime(chosen, (e) => e.occurredAt).forEach((event, k) => {
    out.patientEvents.push({
      id: uuidFor(`event:${index}:${k}`),
      profileId: p.profileId,
      type: event.type,
      title: event.title,
      ...(event.detail !== undefined ? { detail: event.detail } : {}),
      source: event.source,
      occurredAt: event.occurredAt,
    });
  });
}
