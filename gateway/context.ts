export interface GatewayContext {
  /** The gateway's own id for this request (gateway/trust/request-identity.ts), on the response as x-request-id. */
  requestId: string;
  /** The client's x-request-id when it passed the checks: stored apart, never as the request id. */
  correlationId: string | null;
  authorization: string | null;
  clientIp: string | null;
  /** The client's operation name, for the subgraphs' audit rows (the gateway renames the operations it sends). */
  operationName: string | null;
  /** Partner tokens: the credential and its scopes, signed along to the subgraphs. */
  partnerId: string | null;
  scopes: string[] | null;
}
