export interface GatewayContext {
  requestId: string;
  authorization: string | null;
  clientIp: string | null;
}
