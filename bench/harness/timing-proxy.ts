// A pass-through HTTP proxy in front of one subgraph that records when each request started and
// ended (first byte in → last byte out), so a benchmark can compare the gateway's latency with its
// subgraph fetches the same way for any version of the stack, without its metrics.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TimingProxyOptions {
  /** The subgraph's own origin, e.g. http://127.0.0.1:7501. */
  target: string;
  /** Port to listen on (default 0: any free port). */
  port?: number;
}

/** One request through the proxy, on this process's performance.now() clock (ms). */
export interface Span {
  start: number;
  end: number;
}

export interface TimingProxy {
  url: string;
  /** Durations (ms) of the requests completed since the last reset. */
  durations(): number[];
  /** The requests completed since the last reset. */
  spans(): Span[];
  reset(): void;
  close(): Promise<void>;
}

/** Keep-alive to the subgraph, as the gateway's own pool does: the proxy adds one hop, not a handshake. */
const UPSTREAM_SOCKETS = 64;

export async function startTimingProxy(options: TimingProxyOptions): Promise<TimingProxy> {
  const target = new URL(options.target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: UPSTREAM_SOCKETS });
  let spans: Span[] = [];
  const server = http.createServer((req, res) => {
    const started = performance.now();
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => spans.push({ start: started, end: performance.now() }));
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    durations: () => spans.map((span) => span.end - span.start),
    spans: () => spans,
    reset: () => {
      spans = [];
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}
