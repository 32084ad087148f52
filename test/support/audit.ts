// The audit trail of one gateway request, read through the graph (`auditLog`, paged to the end)
// as an admin sees it: for tests that count what a request wrote.
import { gql } from './graphql';

export interface AuditRow {
  service: string;
  resource: string;
  action: string;
  patientId: string | null;
}

/** Every audit row written for the request with this id (`x-request-id` of its response). */
export async function auditRowsOfRequest(requestId: string, headers: Record<string, string>): Promise<AuditRow[]> {
  const rows: AuditRow[] = [];
  let after: string | null = null;
  do {
    const page: any = await gql(
      'query($r: String, $a: String) { auditLog(first: 100, after: $a, filter: { requestId: $r }) { pageInfo { hasNextPage endCursor } edges { node { service resource action patientId } } } }',
      { r: requestId, a: after },
      { headers },
    );
    expect(page.errors ?? []).toEqual([]);
    rows.push(...page.data.auditLog.edges.map((edge: { node: AuditRow }) => edge.node));
    after = page.data.auditLog.pageInfo.hasNextPage ? page.data.auditLog.pageInfo.endCursor : null;
  } while (after);
  return rows;
}
