// DiagnosticReport: one per lab result; search by category LAB, code 11502-2, date and _lastUpdated.
import { FhirLabResultDocument, FhirLabResultsDocument } from '../../../clients/sdk';
import { toDiagnosticReport } from '../mappers/diagnostic-report';
import { notFound } from '../outcome';
import { connectionSource } from '../paging';
import { dateWindow, emptyWindow, tokens } from '../search-params';
import { DIAGNOSTIC_SERVICE, LAB_REPORT_CODE, LOINC } from '../terminology';
import { inScope, isId, type TypeHandler } from './context';

const matches = (value: string | undefined, system: string, code: string) =>
  value === undefined || tokens(value).some((t) => (t.system === null || t.system === system) && t.code === code);

export const diagnosticReports: TypeHandler = {
  async read(ctx, id) {
    const { labResult } = isId(id) ? await ctx.run(FhirLabResultDocument, { id }) : { labResult: null };
    if (!labResult) throw notFound(`DiagnosticReport/${id} was not found`);
    return toDiagnosticReport(labResult);
  },

  async sources(ctx, patientId, search) {
    const date = dateWindow(search.params.get('date'), 'date');
    const updated = dateWindow(search.params.get('_lastUpdated'), '_lastUpdated');
    const wanted = matches(search.params.get('category')?.[0], DIAGNOSTIC_SERVICE, 'LAB') && matches(search.params.get('code')?.[0], LOINC, LAB_REPORT_CODE.code);
    if (!wanted || emptyWindow(date) || emptyWindow(updated) || !inScope(ctx, 'lab_results', patientId)) return [];
    const filter = {
      patientId,
      from: date.from?.toISOString() ?? null,
      to: date.to?.toISOString() ?? null,
      updatedFrom: updated.from?.toISOString() ?? null,
      updatedTo: updated.to?.toISOString() ?? null,
    };
    return [connectionSource(async (first, after) => (await ctx.run(FhirLabResultsDocument, { ...filter, first, after })).labResults, toDiagnosticReport)];
  },
};
