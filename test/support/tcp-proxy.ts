// A TCP proxy between two real processes, for fault tests (toxiproxy's toxics, in process): it
// passes bytes through, refuses connections (the far side is down), accepts them and never
// answers (`stall`, also called `blackhole`: the far side hangs), or resets each connection
// with an RST once the client has sent something (`reset`: a crash mid-request). Latency
// delays every chunk both ways. Changing its mode cuts the connections it holds, so pooled
// keep-alive sockets feel it too.
import net from 'node:net';

export type ProxyMode = 'pass' | 'refuse' | 'stall' | 'blackhole' | 'reset';

export interface TcpProxy {
  port: number;
  setMode(mode: ProxyMode): void;
  mode(): ProxyMode;
  /** Delays every chunk forwarded, both ways, by `ms` (0: none). Connections are kept. */
  setLatency(ms: number): void;
  /** The next `count` connections are reset once the client sends data; later ones pass. */
  resetNext(count: number): void;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }, mode: ProxyMode = 'pass'): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let latencyMs = 0;
  let resets = 0;
  let accepted = 0;
  const delayed = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk) => {
      if (latencyMs === 0) return void to.write(chunk);
      setTimeout(() => to.writable && to.write(chunk), latencyMs);
    });
    from.on('end', () => setTimeout(() => to.end(), latencyMs));
  };
  const server = net.createServer((client) => {
    accepted++;
    if (mode === 'refuse') return void client.destroy();
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    if (mode === 'stall' || mode === 'blackhole') return;
    if (mode === 'reset' || resets > 0) {
      if (mode !== 'reset') resets--;
      return void client.once('data', () => client.resetAndDestroy());
    }
    const upstream = net.connect(target.port, target.host);
    open.add(upstream);
    upstream.on('close', () => {
      open.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    delayed(client, upstream);
    delayed(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    setMode(next) {
      mode = next;
      for (const socket of open) socket.destroy();
    },
    mode: () => mode,
    setLatency(ms) {
      latencyMs = ms;
    },
    resetNext(count) {
      resets = count;
    },
    connections: () => accepted,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
