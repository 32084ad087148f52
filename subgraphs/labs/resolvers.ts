import { careAlertsRaised } from '../../shared/domain/care-alerts';
import { raiseCriticalValues } from './critical-values';
import { emitLabResultStored } from './events';
import { transactionWithEvents } from '../../shared/outbox';
import { authorizedStream } from '../../shared/rbac/stream';
import { topics } from '../../shared/pubsub';
import type { BiomarkerReading, LabResult } from '../../generated/prisma/client';
import { ageOn } from '../../shared/domain/patient-facts';
import { appendPatientEvent } from '../../shared/domain/patient-events';
import { badUserInput, notFound, parseId } from '../../shared/graphql/errors';
import { connectionFromArray, type PageArgs } from '../../shared/graphql/pagination';
import type { SubgraphContext } from '../../shared/server/context';
import { BIOMARKERS, classify, findBiomarker, referenceRangeFor } from './catalog';
import { combinedScore, labsScore } from './health-score';
import { currentPart } from './wearables-part';
import { decide } from '../../shared/rbac/matrix';
import { READING_COLUMNS, type LabsLoaders } from './loaders';
import type { LabReportFileInput } from './upload/file';
import { uploadLabReport } from './upload/upload-report';
import { patientLabResults, patientReadings, type ResultWindow } from './record-queries';
import { toUcum } from './units';
import type { GraphQLResolveInfo } from 'graphql';
import { labsData } from './data';
import type { LabsServices } from './services';

type Ctx = SubgraphContext<LabsLoaders, LabsServices>;

/**
 * The range a reading was classified with (stored with it), completed from the catalog with the
 * sex and ages it applies to, its critical limits and optimal band: only when the catalog's range
 * for the patient at collection time is still the stored one.
 */
async function readingRange(ctx: Ctx, reading: BiomarkerReading) {
  if (reading.referenceLow == null && reading.referenceHigh == null) return null;
  const stored = { low: reading.referenceLow, high: reading.referenceHigh };
  const definition = reading.code ? findBiomarker(reading.code) : undefined;
  const result = definition ? await ctx.loaders.labResult.load(reading.labResultId) : null;
  const facts = result ? await ctx.loaders.patientFacts.load(result.profileId) : null;
  if (!definition || !result || !facts) return stored;
  const range = referenceRangeFor(definition, facts.sex, ageOn(facts.dateOfBirth, result.collectedAt));
  const same = range && (range.low ?? null) === stored.low && (range.high ?? null) === stored.high;
  return same ? { ...range, ...stored } : stored;
}
/** A Patient here: its id. */
type PatientRef = { id: string };

interface LabResultInput {
  labName?: string | null;
  collectedAt: Date;
  readings: { code: string; value: number; unit: string; labFlag?: string | null }[];
}

const MAX_READINGS = 500;

export const resolvers = {
  Query: {
    labResult: async (_: unknown, args: { id: string }, ctx: Ctx) => {
      const result = await ctx.loaders.labResult.load(parseId('id', args.id));
      if (!result) throw notFound('LabResult', args.id);
      return result;
    },
    biomarkers: (_: unknown, args: { category?: string | null }) =>
      args.category ? BIOMARKERS.filter((b) => b.category === args.category) : BIOMARKERS,
    labResults: (_: unknown, args: ResultWindow & PageArgs, ctx: Ctx, info: GraphQLResolveInfo) => patientLabResults(ctx, args, info),
    biomarkerReadings: (_: unknown, args: ResultWindow & PageArgs & { codes?: string[] | null }, ctx: Ctx, info: GraphQLResolveInfo) =>
      patientReadings(ctx, args, info),
    biomarkerReading: async (_: unknown, args: { id: string }, ctx: Ctx) => {
      const reading = await ctx.loaders.reading.load(parseId('id', args.id));
      if (!reading) throw notFound('BiomarkerReading', args.id);
      return reading;
    },
  },
  Mutation: {
    createLabResult: async (_: unknown, args: { patientId: string; input: LabResultInput }, ctx: Ctx) => {
      const patientId = parseId('patientId', args.patientId);
      const { input } = args;
      if (input.readings.length === 0 || input.readings.length > MAX_READINGS) {
        throw badUserInput('input.readings', `must hold 1 to ${MAX_READINGS} values`);
      }
      if (input.collectedAt.getTime() > Date.now() + 24 * 3600_000) throw badUserInput('input.collectedAt', 'is in the future');
      const facts = await ctx.loaders.patientFacts.load(patientId);
      if (!facts) throw notFound('Patient', patientId);
      const age = ageOn(facts.dateOfBirth, input.collectedAt);
      const rows = input.readings.map((reading, index) => {
        const definition = findBiomarker(reading.code);
        if (!definition) throw badUserInput(`input.readings[${index}].code`, `"${reading.code}" is not in the biomarker catalog`);
        if (reading.unit !== definition.unit) {
          throw badUserInput(`input.readings[${index}].unit`, `${definition.code} is recorded in ${definition.unit}, got ${reading.unit}`);
        }
        if (!Number.isFinite(reading.value) || reading.value < 0) throw badUserInput(`input.readings[${index}].value`, 'must be a non-negative number');
        const range = referenceRangeFor(definition, facts.sex, age);
        return {
          code: definition.code,
          rawName: definition.name,
          rawValue: String(reading.value),
          rawUnit: reading.unit,
          value: reading.value,
          unit: definition.unit,
          status: classify(definition, reading.value, facts.sex, age),
          referenceLow: range?.low ?? null,
          referenceHigh: range?.high ?? null,
          labFlag: reading.labFlag ?? null,
          position: index,
        };
      });
      const result = await transactionWithEvents(ctx.prisma, async (tx, emit) => {
        const created = await tx.labResult.create({
          data: {
            profileId: patientId,
            source: 'INTEGRATION',
            labName: input.labName?.trim() || null,
            collectedAt: input.collectedAt,
            reportedAt: new Date(),
            readings: { create: rows },
          },
        });
        await appendPatientEvent(tx, {
          patientId,
          type: 'LAB_RESULT_ADDED',
          title: `Lab result${created.labName ? ` from ${created.labName}` : ''} added`,
          source: 'labs',
          detail: { labResultId: created.id, readings: rows.length },
        });
        await raiseCriticalValues(ctx.services.jobQueue, tx, created, rows);
        emitLabResultStored(emit, { result: created, readings: rows.length, labsScore: null });
        return created;
      });
      careAlertsRaised(ctx.services.jobQueue);
      return result;
    },
    uploadLabReport: (_: unknown, args: { patientId: string; file: LabReportFileInput }, ctx: Ctx) => uploadLabReport(ctx, args),
    deleteLabResult: async (_: unknown, args: { id: string }, ctx: Ctx) => {
      const id = parseId('id', args.id);
      await labsData(ctx.prisma).labResult.delete({ where: { id } });
      return id;
    },
  },
  Subscription: {
    labResultAdded: {
      subscribe: (_: unknown, args: { patientId: string }, ctx: Ctx) =>
        authorizedStream(ctx, 'lab_results', { name: 'patientId', value: args.patientId }, topics.labResultAdded),
      resolve: (result: unknown) => result,
    },
  },
  Patient: {
    __resolveReference: (ref: PatientRef) => ({ id: ref.id }),
    labResults: async (patient: { id: string }, args: PageArgs, ctx: Ctx) =>
      connectionFromArray(await ctx.loaders.labResultsByPatient.load(patient.id), args, 10),
    biomarkerHistory: async (patient: { id: string }, args: { code: string }, ctx: Ctx) => {
      const definition = findBiomarker(args.code);
      if (!definition) throw badUserInput('code', `"${args.code}" is not in the biomarker catalog`);
      return ctx.loaders.history.load({ parentId: patient.id, filter: definition.code });
    },
    // The wearables part from labs' own copy (wearables-part.ts), read beside the readings: no
    // stage of the plan waits for wearables. A caller who may not read the patient's wearable data
    // (a credential scoped to lab results only) gets the labs-only score, as when wearables refused
    // them the part. That decision is not audited as a wearables read of its own (the field's
    // lab_results read is; the matrix's rows for the two are the same for every role): written
    // from labs it would add a second row per patient beside wearables' own in a request reading both.
    healthScore: async (patient: PatientRef, _: unknown, ctx: Ctx) => {
      const [latest, stored] = await Promise.all([ctx.loaders.latestForScore.load(patient.id), ctx.loaders.wearablesPart.load(patient.id)]);
      const labs = latest && labsScore(latest.codes.map((code, i) => ({ code, status: latest.statuses[i] })));
      if (!latest || !labs) return null;
      const seesWearables = decide(ctx.caller, 'wearables', 'read', patient.id).allowed;
      const wearables = seesWearables ? currentPart(stored, ctx.services.clock.now()) : null;
      return { ...combinedScore(labs, wearables), basedOnLabResultId: latest.labResultId, computedAt: new Date() };
    },
  },
  LabResult: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.labResult.load(ref.id),
    patient: (result: LabResult) => ({ id: result.profileId }),
    readings: async (result: LabResult, args: { status?: string[] | null }, ctx: Ctx, info: GraphQLResolveInfo) => {
      // The status filter reads the status column, selected or not.
      const keys = READING_COLUMNS.keysFor(info, args.status?.length ? ['status'] : []);
      const readings = await ctx.loaders.readingsByResult.load({ parentId: result.id, filter: keys });
      return args.status?.length ? readings.filter((r) => args.status!.includes(r.status)) : readings;
    },
  },
  BiomarkerReading: {
    name: (reading: BiomarkerReading) => (reading.code ? findBiomarker(reading.code)?.name : undefined) ?? reading.rawName,
    biomarker: (reading: BiomarkerReading) => (reading.code ? findBiomarker(reading.code) ?? null : null),
    referenceRange: (reading: BiomarkerReading, _: unknown, ctx: Ctx) => readingRange(ctx, reading),
    ucumUnit: (reading: BiomarkerReading) => toUcum(reading.unit),
    labResult: (reading: BiomarkerReading, _: unknown, ctx: Ctx) => ctx.loaders.labResult.load(reading.labResultId),
    lastUpdated: async (reading: BiomarkerReading, _: unknown, ctx: Ctx) => (await ctx.loaders.labResult.load(reading.labResultId))?.createdAt,
  },
  Biomarker: {
    referenceRanges: (definition: { ranges: unknown[] }) => definition.ranges,
  },
};
