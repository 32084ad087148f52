// Binds a service's HTTP server and stops it gracefully: stop accepting at once, tell clients
// to close their keep-alive connections, let in-flight requests finish within what is left of
// the shutdown's grace period (shutdown.ts), then cut whatever remains.
import type http from 'node:http';
import net from 'node:net';
import { isDraining, remainingGraceMs } from './shutdown';

export interface RunningServer {
  name: string;
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** How often a draining server closes the connections that went idle (a finished request's keep-alive socket). */
export const DRAIN_POLL_MS = 50;

export interface ListenHooks {
  /** Runs once the server stopped accepting, before in-flight requests are waited for (close WebSockets with 1001). */
  beforeDrain?(): Promise<void>;
  /** Runs after the last request finished (stop Apollo, close clients). */
  afterDrain?(): Promise<void>;
}

/**
 * Waits for every connection of a closed server to end, closing idle ones as they appear; cuts the
 * rest at the grace period's end. The first idle connections are closed only after a poll: a
 * request a client wrote on a keep-alive connection before the signal may not have been read yet,
 * and until it is, its connection looks idle (closing it would reset a request already sent).
 */
async function drain(httpServer: http.Server, closed: Promise<void>): Promise<void> {
  let done = false;
  void closed.then(() => (done = true));
  const cutAt = Date.now() + remainingGraceMs();
  while (!done && Date.now() < cutAt) {
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    // After the event loop's next poll for I/O, whatever ran in between (a long callback delays it).
    await new Promise((resolve) => setImmediate(resolve));
    httpServer.closeIdleConnections();
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
            // Stop accepting, without http.Server#close's closing of idle connections at once (drain does it, after a poll).
            const closed = new Promise<void>((done) => net.Server.prototype.close.call(httpServer, () => done()));
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
