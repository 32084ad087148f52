// MedicationStatement: one per protocol item; search by patient and status. A patient has few
// protocols, so the graph returns them whole and the pages are cut here.
import { FhirProtocolsDocument } from '../../../clients/sdk';
import { toMedicationStatement } from '../mappers/medication-statement';
import { listSource } from '../paging';
import { tokens } from '../search-params';
import { inScope, type TypeHandler } from './context';

export const medicationStatements: TypeHandler = {
  async sources(ctx, patientId, search) {
    if (!inScope(ctx, 'protocols', patientId)) return [];
    const statusText = search.params.get('status')?.[0];
    const statuses = statusText === undefined ? null : new Set(tokens(statusText).map((t) => t.code));
    return [
      listSource(async () => {
        const { protocols } = await ctx.run(FhirProtocolsDocument, { patientId });
        return protocols
          .flatMap((protocol) => protocol.items.map((item) => toMedicationStatement(patientId, protocol, item)))
          .filter((statement) => !statuses || statuses.has(statement.status));
      }),
    ];
  },
};
