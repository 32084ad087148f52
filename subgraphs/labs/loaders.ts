// The labs subgraph's per-request DataLoaders: lab results and their readings per patient, one query per batch (the dashboard's reads past Prisma's model layer), and the health score's inputs (the latest result's readings, labs' copy of the wearables part).
import type { BiomarkerReading, BiomarkerStatus, LabResult } from '../../generated/prisma/client';
import { labsData } from './data';
import { patientFactsLoader } from '../../shared/domain/patient-facts';
import type { LoaderDeps } from '../../shared/server/subgraph';
import { entityLoader, filteredRelationLoader, relationLoader } from '../../shared/graphql/loaders';
import type { StoredWearablesPart } from './wearables-part';
import { columnSelection } from '../../shared/graphql/columns';

/**
 * The columns of a reading, by BiomarkerReading's fields: a list of readings reads those its
 * selected fields come from (resolvers.ts), so a row holds only them.
 */
export const READING_COLUMNS = columnSelection({
  columns: {
    id: 'r.id::text AS id',
    labResultId: 'r.lab_result_id::text AS "labResultId"',
    code: 'r.code',
    rawName: 'r.raw_name AS "rawName"',
    rawValue: 'r.raw_value AS "rawValue"',
    rawUnit: 'r.raw_unit AS "rawUnit"',
    value: 'r.value',
    unit: 'r.unit',
    status: 'r.status::text AS status',
    printedRange: 'r.printed_range AS "printedRange"',
    referenceLow: 'r.reference_low AS "referenceLow"',
    referenceHigh: 'r.reference_high AS "referenceHigh"',
    labFlag: 'r.lab_flag AS "labFlag"',
    sourceLine: 'r.source_line AS "sourceLine"',
    conversionNote: 'r.conversion_note AS "conversionNote"',
    position: 'r.position',
  },
  always: ['labResultId'],
  fieldColumns: {
    name: ['code', 'rawName'],
    biomarker: ['code'],
    referenceRange: ['code', 'referenceLow', 'referenceHigh'],
    ucumUnit: ['unit'],
    labResult: [],
    lastUpdated: [],
  },
});
export type ReadingColumn = ReturnType<typeof READING_COLUMNS.keysFor>[number];

export function createLabsLoaders({ prisma: client, ports, reads }: LoaderDeps) {
  const prisma = labsData(client);
  return {
    labResult: entityLoader((ids) => prisma.labResult.findMany({ where: { id: { in: [...ids] } } })),
    /** One reading with the patient it belongs to (its result's). */
    reading: entityLoader(async (ids) =>
      (await prisma.biomarkerReading.findMany({ where: { id: { in: [...ids] } }, include: { labResult: { select: { profileId: true } } } })).map(
        ({ labResult, ...reading }) => ({ ...reading, profileId: labResult.profileId }),
      ),
    ),
    /** Each patient's results, newest first, past Prisma's model layer (the dashboard lists fifty patients'). */
    labResultsByPatient: relationLoader(
      (ids) =>
        reads<LabResult>(
          `SELECT id::text AS id, profile_id::text AS "profileId", source::text AS source, lab_name AS "labName", file_name AS "fileName",
                  content_hash AS "contentHash", collected_at AS "collectedAt", reported_at AS "reportedAt", created_at AS "createdAt"
             FROM patient_graph.lab_results
            WHERE profile_id = ANY($1::uuid[])
            ORDER BY collected_at DESC, id DESC`,
          [[...ids]],
        ),
      (row) => row.profileId,
    ),
    /** The readings of each result, past Prisma's model layer (the dashboard reads a thousand), with the columns `keys` names (READING_COLUMNS). */
    readingsByResult: filteredRelationLoader(
      (ids, keys: readonly ReadingColumn[]) =>
        reads<BiomarkerReading>(
          `SELECT ${READING_COLUMNS.selectList(keys)}
             FROM patient_graph.lab_biomarker_readings AS r
            WHERE r.lab_result_id = ANY($1::uuid[])
            ORDER BY r.lab_result_id, r.position`,
          [[...ids]],
        ),
      (row) => row.labResultId,
    ),
    /**
     * For the health score: each patient's latest lab result and the codes and statuses of its
     * readings, one narrow statement, one row per patient (the readings' as two arrays, aggregated
     * over the same rows so index i of each is one reading; the score does not depend on their
     * order): a thousand readings would otherwise be a thousand rows to decode.
     */
    latestForScore: entityLoader(
      (ids) =>
        reads<LatestForScore>(
          `SELECT l.profile_id::text AS "profileId", l.id::text AS "labResultId",
                  array_agg(r.code) AS codes, array_agg(r.status::text) AS statuses
             FROM unnest($1::uuid[]) AS p(id)
             CROSS JOIN LATERAL (
               SELECT id, profile_id FROM patient_graph.lab_results WHERE profile_id = p.id ORDER BY collected_at DESC, id DESC LIMIT 1
             ) AS l
             JOIN patient_graph.lab_biomarker_readings AS r ON r.lab_result_id = l.id
            GROUP BY l.profile_id, l.id`,
          [[...ids]],
        ),
      (row) => row.profileId,
    ),
    /** Labs' copy of each patient's wearables part (wearables-part.ts): one narrow statement. */
    wearablesPart: entityLoader(
      (ids) =>
        reads<StoredWearablesPart>(
          `SELECT profile_id::text AS "profileId", score, components, last_day::text AS "lastDay"
             FROM patient_graph.lab_wearables_score_parts WHERE profile_id = ANY($1::uuid[])`,
          [[...ids]],
        ),
      (row) => row.profileId,
    ),
    history: filteredRelationLoader(
      async (ids, code: string) => {
        const readings = await prisma.biomarkerReading.findMany({
          where: { code, labResult: { profileId: { in: [...ids] } } },
          select: {
            value: true,
            unit: true,
            status: true,
            labResult: { select: { id: true, profileId: true, collectedAt: true } },
          },
        });
        return readings
          .map((r) => ({ ...r, profileId: r.labResult.profileId, labResultId: r.labResult.id, collectedAt: r.labResult.collectedAt }))
          .sort((a, b) => a.collectedAt.getTime() - b.collectedAt.getTime());
      },
      (row) => row.profileId,
    ),
    patientFacts: patientFactsLoader(ports.patientFacts),
  };
}

/** A patient's latest lab result as the health score needs it: its readings' codes and statuses, index by index. */
export interface LatestForScore {
  profileId: string;
  labResultId: string;
  codes: (string | null)[];
  statuses: BiomarkerStatus[];
}

export type LabsLoaders = ReturnType<typeof createLabsLoaders>;
