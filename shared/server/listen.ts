// Binds a service's HTTP server and stops it gracefully: tell clients to close their keep-alive
// connections, stop accepting (a moment after a signal: DRAIN_ACCEPT_LINGER_MS), let in-flight
// requests finish within what is left of the shutdown's grace period (shutdown.ts), then cut
// whatever remains.
import type http from 'node:http';
import { drainingForMs, isDraining, remainingGraceMs } from './shutdown';

export interface RunningServer {
  name: string;
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** How often a draining server closes the connections that went idle (a finished request's keep-alive socket). */
export const DRAIN_POLL_MS = 50;
/**
 * How long after a process was asked to stop (a signal) its servers still accept connections, at
 * most half of what is left of its grace period. A client may be connecting, or writing its next
 * request on a keep-alive connection, as the signal arrives (and a load balancer keeps sending for
 * a moment after the process stopped being ready): closing the listening socket under such a
 * connection resets it, and so does closing an idle connection a request is on its way on. Until
 * then every such request is served, its response closing its connection.
 */
export const DRAIN_ACCEPT_LINGER_MS = 1_000;

export interface ListenHooks {
  /** Runs once the server stopped accepting, before in-flight requests are waited for (close WebSockets with 1001). */
  beforeDrain?(): Promise<void>;
  /** Runs after the last request finished (stop Apollo, close clients). */
  afterDrain?(): Promise<void>;
}

/** Waits for every connection of a closed server to end, closing idle ones as they appear; cuts the rest at the grace period's end. */
async function drain(httpServer: http.Server, closed: Promise<void>): Promise<void> {
  let done = false;
  void closed.then(() => (done = true));
  const cutAt = Date.now() + remainingGraceMs();
  while (!done && Date.now() < cutAt) {
    httpServer.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }
  if (!done) httpServer.closeAllConnections();
  await closed;
}

/** Listens and resolves once bound; a port already in use is a clear startup error. */
export function listen(httpServer: http.Server, host: string, port: number, name: string, hooks: ListenHooks = {}): Promise<RunningServer> {
  // Clients reuse connections (the gateway keeps them alive); make the server keep them longer than the client.
  httpServer.keepAliveTimeout = 65_000;
  // Responses not yet begun when draining starts ask the client to close the connection after them.
  const pending = new Set<http.ServerResponse>();
  httpServer.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    if (isDraining()) res.setHeader('connection', 'close');
    pending.add(res);
    res.once('finish', () => pending.delete(res));
    res.once('close', () => pending.delete(res));
  });
  let stopping: Promise<void> | null = null;
  return new Promise((resolve, reject) => {
    httpServer.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`${name}: port ${port} is already in use`) : error);
    });
    httpServer.listen(port, host, () => {
      const address = httpServer.address();
      const boundPort = typeof address === 'object' && address ? address.port : port;
      resolve({
        name,
        port: boundPort,
        url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${boundPort}`,
        stop() {
          stopping ??= (async () => {
            const linger = isDraining() ? Math.min(DRAIN_ACCEPT_LINGER_MS - drainingForMs(), remainingGraceMs() / 2) : 0;
            if (linger > 0) await new Promise((resolve) => setTimeout(resolve, linger));
            const closed = new Promise<void>((done) => httpServer.close(() => done()));
            for (const res of pending) if (!res.headersSent) res.setHeader('connection', 'close');
            await hooks.beforeDrain?.();
            await drain(httpServer, closed);
            await hooks.afterDrain?.();
          })();
          return stopping;
        },
      });
    });
  });
}
