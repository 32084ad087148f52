// The audit rows of one gateway request's fetches to the subgraphs of its own process, written
// in one statement. Each in-process subgraph fetch would append its rows itself before answering
// (five statements for the dashboard); given a batch, it hands them over instead, and the gateway
// writes them all, through the subgraphs' database client, before its response leaves
// (gateway/audit-batch.ts): the audit-before-response guarantee holds at the gateway, where the
// response is sent. A fetch that finishes after the batch was written (its gateway request
// already answered: a deadline, a hang-up) writes its own rows, as without a batch.
// An execution whose result other requests of the same caller share (gateway/shared-reads.ts)
// writes every row once for each of those requests too, in the same statement.
import { auditAppendAll, clientIdentity, decisionKey, type AuditDecision, type AuditRequest, type AuditWriter } from '../audit/append';

const requestKey = (request: AuditRequest) =>
  `${request.service}|${request.requestId}|${request.actorId}|${request.actorRole}|${request.operationName}|${request.correlationId}|${request.clientIp}`;

/** What one database client will write: by requests (two fetches of one service for the same requests merge), their decisions by key. */
interface ClientRows {
  db: AuditWriter;
  appends: Map<string, { requests: readonly AuditRequest[]; decisions: Map<string, AuditDecision> }>;
}

/** What differs between two requests of one caller that share an execution: each gets rows of its own. */
export type SharingRequest = Pick<AuditRequest, 'requestId' | 'correlationId' | 'clientIp' | 'operationName'>;

export class AuditBatch {
  /** By the identity of the client the rows came through. */
  private readonly pending = new Map<object, ClientRows>();
  private closed = false;
  private readonly sharers: SharingRequest[] = [];
  private apart = false;

  /**
   * Takes `decisions` of each of `requests` (one, or a gathered read's audience) to write with the
   * batch through `db`; false once the batch was written (the caller then writes them itself).
   */
  adopt(db: AuditWriter, requests: readonly AuditRequest[], decisions: readonly AuditDecision[]): boolean {
    if (this.closed) return false;
    const client = clientIdentity(db);
    let rows = this.pending.get(client);
    if (!rows) this.pending.set(client, (rows = { db, appends: new Map() }));
    const key = requests.map(requestKey).join('\n');
    let entry = rows.appends.get(key);
    if (!entry) rows.appends.set(key, (entry = { requests, decisions: new Map() }));
    for (const decision of decisions) if (!entry.decisions.has(decisionKey(decision))) entry.decisions.set(decisionKey(decision), decision);
    return true;
  }

  /**
   * Something of this execution happened outside the batch: a fetch over HTTP (its subgraph
   * writes its own rows, for this request only) or a write. Its result is then this request's
   * alone (`shareable` is false).
   */
  happenedApart(): void {
    this.apart = true;
  }

  /** True while every row of the execution went through this batch and it wrote nothing. */
  get shareable(): boolean {
    return !this.apart;
  }

  /** Each row adopted is written for `request` too (a request given this execution's result). Before write() only. */
  shareWith(request: SharingRequest): void {
    if (this.closed || this.apart) throw new Error('An audit batch is shared only before it is written, and only when shareable');
    this.sharers.push(request);
  }

  /** Writes what was adopted, one statement per database client (one in a process), and takes no more. Rejects if a write failed. */
  async write(): Promise<void> {
    this.closed = true;
    const withSharers = (requests: readonly AuditRequest[]) => requests.flatMap((request) => [request, ...this.sharers.map((sharer) => ({ ...request, ...sharer }))]);
    const writes = [...this.pending.values()].map(({ db, appends }) =>
      auditAppendAll(db, [...appends.values()].map(({ requests, decisions }) => ({ requests: withSharers(requests), decisions: [...decisions.values()] }))),
    );
    this.pending.clear();
    await Promise.all(writes);
  }
}
