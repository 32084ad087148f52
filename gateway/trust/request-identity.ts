// Who is asking, as the gateway establishes it for every request (like Hive Gateway's
// useRequestId): its own request id, always new and returned as x-request-id on every response;
// the client's own x-request-id kept apart as a correlation id when it is short and plain (it is
// stored in the audit rows as such, never as the request id); and the client's address, with
// X-Forwarded-For believed only from TRUSTED_PROXIES. A call the gateway makes to its own
// /graphql for a client (the REST lab upload, /oauth/token) carries the outer request's identity
// in a header the gateway signed (`hopHeaders`), so the audit and the token-request limit see the
// real client.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import proxyaddr from 'proxy-addr';
import { DEFAULT_CORRELATION_ID_MAX_LENGTH } from '../../shared/config/settings';
import { GATEWAY_HOP_HEADER, REQUEST_ID_HEADER } from '../../shared/trust/envelope';

export { REQUEST_ID_HEADER };
/** No proxy is trusted unless configured: the socket's address is the client. */
export const DEFAULT_TRUSTED_PROXIES: readonly string[] = [];
/** Characters a correlation id may have: enough for UUIDs, ULIDs, `luna-<turnId>`, W3C trace ids. */
const CORRELATION_ID_CHARS = /^[A-Za-z0-9._:-]+$/;

export interface RequestIdentity {
  requestId: string;
  correlationId: string | null;
  clientIp: string | null;
}

export interface RequestIdentityOptions {
  /** Proxies whose X-Forwarded-For is believed (proxy-addr syntax: addresses, CIDRs, `loopback`…); default none. */
  trustedProxies?: readonly string[];
  /** Longest correlation id kept (CORRELATION_ID_MAX_LENGTH); default DEFAULT_CORRELATION_ID_MAX_LENGTH. */
  correlationIdMaxLength?: number;
  /** Signs and checks the gateway's calls to itself (gateway/trust/sign.ts signHop). */
  hops: {
    sign(identity: RequestIdentity): Promise<string>;
    verify(signature: string): Promise<RequestIdentity>;
  };
}

export interface RequestIdentityPlugin {
  /** Express middleware, first on the app: every response gets the request's x-request-id. */
  middleware: RequestHandler;
  /** The client address of a request that bypasses Express (the graphql-ws upgrade). */
  clientAddress(req: IncomingMessage): string | null;
  /** The compiled trust function, for Express's `trust proxy` (so req.ip agrees). */
  trustProxy: (address: string, hop: number) => boolean;
}

const IDENTITY = 'requestIdentity';
const HOP = 'requestHop';
const VERIFIED_HOP = 'requestIsVerifiedHop';

export function requestIdentity(options: RequestIdentityOptions): RequestIdentityPlugin {
  const trustProxy = proxyaddr.compile([...(options.trustedProxies ?? DEFAULT_TRUSTED_PROXIES)]);
  const maxLength = options.correlationIdMaxLength ?? DEFAULT_CORRELATION_ID_MAX_LENGTH;
  const clientAddress = (req: IncomingMessage): string | null => {
    try {
      return proxyaddr(req as never, trustProxy) || null;
    } catch {
      return req.socket.remoteAddress ?? null;
    }
  };
  const correlationIdOf = (value: unknown): string | null =>
    typeof value === 'string' && value.length <= maxLength && CORRELATION_ID_CHARS.test(value) ? value : null;

  const middleware: RequestHandler = async (req, res, next) => {
    let identity: RequestIdentity | null = null;
    const hop = req.headers[GATEWAY_HOP_HEADER];
    if (typeof hop === 'string') {
      // Not ours (forged, expired): the request is simply a client's own, believed in nothing.
      identity = await options.hops.verify(hop).catch(() => null);
      res.locals[VERIFIED_HOP] = identity !== null;
    }
    identity ??= { requestId: randomUUID(), correlationId: correlationIdOf(req.headers[REQUEST_ID_HEADER]), clientIp: clientAddress(req) };
    res.locals[IDENTITY] = identity;
    res.locals[HOP] = () => options.hops.sign(identity);
    res.setHeader(REQUEST_ID_HEADER, identity.requestId);
    next();
  };
  return { middleware, clientAddress, trustProxy };
}

/** Whether this request is the gateway's own call to itself (its hop header verified). */
export const isGatewayHop = (res: Response): boolean => res.locals[VERIFIED_HOP] === true;

/** The identity the middleware gave this request. */
export function identityOf(res: Response): RequestIdentity {
  const identity = res.locals[IDENTITY] as RequestIdentity | undefined;
  if (!identity) throw new Error('identityOf: requestIdentity() is not installed before this route');
  return identity;
}

/**
 * Headers for a call the gateway makes to its own /graphql on this request's behalf: the signed
 * hop. A route mounted on another app (no requestIdentity) forwards only the client's
 * x-request-id, which the gateway then treats like any client's.
 */
export async function hopHeaders(req: Request, res: Response): Promise<Record<string, string>> {
  const sign = res.locals[HOP] as (() => Promise<string>) | undefined;
  if (sign) return { [GATEWAY_HOP_HEADER]: await sign() };
  const correlationId = req.headers[REQUEST_ID_HEADER];
  return typeof correlationId === 'string' ? { [REQUEST_ID_HEADER]: correlationId } : {};
}
