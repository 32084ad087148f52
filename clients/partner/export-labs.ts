// A partner integration, runnable: exports every patient's recent lab results to CSV through
// the graph, as a machine client (client credentials, persisted operations only, paginated,
// retried with backoff on rate limits and outages).
//
//   LOOP_CLIENT_ID=lhp_… LOOP_CLIENT_SECRET=lhs_… npm run -s partner:export -- --out labs.csv
//
// Options: --url (default LOOP_URL, else http://127.0.0.1:<PORT_BASE or 4000>), --out (default stdout),
// --page-size (patients per request, default 50), --max-patients (default all).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ExportPatientLabsDocument, LoopClient } from '../sdk';
import { withRetries } from './retry';
import { partnerTokens } from './token';

export const CSV_COLUMNS = ['patient_id', 'first_name', 'last_name', 'sex', 'date_of_birth', 'lab_result_id', 'collected_at', 'lab_name', 'code', 'biomarker', 'value', 'unit', 'status'];

export function csvLine(values: readonly unknown[]): string {
  return values
    .map((value) => {
      const text = value === null || value === undefined ? '' : String(value);
      // Quote what needs it; neutralise spreadsheet formulas (CSV injection).
      const safe = /^[=+\-@\t\r]/.test(text) && Number.isNaN(Number(text)) ? `'${text}` : text;
      return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
    })
    .join(',');
}

export interface ExportOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  write(line: string): void;
  pageSize?: number;
  maxPatients?: number;
  log?(message: string): void;
}

/** Writes the header and one line per biomarker reading; returns how many patients and rows. */
export async function exportLabs(options: ExportOptions): Promise<{ patients: number; rows: number; requests: number }> {
  const token = partnerTokens(options);
  // Sign in first: a refused credential or an unreachable gateway writes nothing.
  await token();
  const client = new LoopClient({ url: `${options.baseUrl}/graphql`, token, persisted: true });
  const log = options.log ?? (() => {});
  options.write(csvLine(CSV_COLUMNS));
  let after: string | null | undefined;
  let patients = 0;
  let rows = 0;
  let requests = 0;
  do {
    const first = Math.min(options.pageSize ?? 50, (options.maxPatients ?? Infinity) - patients);
    const page = await withRetries(
      () => {
        requests += 1;
        return client.request(ExportPatientLabsDocument, { first, after });
      },
      { onRetry: (error, delayMs, attempt) => log(`${error.code}: retrying in ${Math.round(delayMs)} ms (attempt ${attempt + 1})`) },
    );
    const connection = page.patients;
    if (!connection) throw new Error('The graph returned no patients connection');
    for (const { node: patient } of connection.edges) {
      patients += 1;
      for (const { node: result } of patient.labResults?.edges ?? []) {
        for (const reading of result.readings) {
          options.write(csvLine([patient.id, patient.firstName, patient.lastName, patient.sex, patient.dateOfBirth, result.id, result.collectedAt, result.labName, reading.code, reading.name, reading.value, reading.unit, reading.status]));
          rows += 1;
        }
      }
    }
    after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    log(`${patients} patients, ${rows} rows`);
  } while (after && patients < (options.maxPatients ?? Infinity));
  return { patients, rows, requests };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { url: { type: 'string' }, out: { type: 'string' }, 'page-size': { type: 'string' }, 'max-patients': { type: 'string' } },
  });
  const clientId = process.env.LOOP_CLIENT_ID;
  const clientSecret = process.env.LOOP_CLIENT_SECRET;
  if (!clientId || !clientSecret) throw new Error('Set LOOP_CLIENT_ID and LOOP_CLIENT_SECRET (an admin creates them with createPartnerCredential)');
  const lines: string[] = [];
  const defaultUrl = `http://127.0.0.1:${process.env.PORT_BASE || process.env.PORT || 4000}`;
  const result = await exportLabs({
    baseUrl: (values.url ?? process.env.LOOP_URL ?? defaultUrl).replace(/\/+$/, ''),
    clientId,
    clientSecret,
    pageSize: values['page-size'] ? Number(values['page-size']) : undefined,
    maxPatients: values['max-patients'] ? Number(values['max-patients']) : undefined,
    write: (line) => (values.out ? lines.push(line) : process.stdout.write(`${line}\n`)),
    log: (message) => process.stderr.write(`${message}\n`),
  });
  // The file is written only once the export is whole: a failed run leaves no partial CSV behind.
  if (values.out) writeFileSync(values.out, lines.map((line) => `${line}\n`).join(''));
  process.stderr.write(`exported ${result.rows} rows for ${result.patients} patients in ${result.requests} requests\n`);
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
    process.exit(1);
  });
}
