export interface GatewayContext {
  requestId: string;
  authorization: string | null;
  clientIp: string | null;
  /** The client's operation name, for the subgraphs' audit rows (the gateway renames the operations it sends). */
  operationName: string | null;
}
