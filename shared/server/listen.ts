import type http from 'node:http';

export interface RunningServer {
  name: string;
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Listens and resolves once bound; a port already in use is a clear startup error. */
export function listen(
  httpServer: http.Server,
  host: string,
  port: number,
  name: string,
  beforeClose: () => Promise<void> = async () => {},
): Promise<RunningServer> {
  // Clients reuse connections (the gateway keeps them alive); make the server keep them longer than the client.
  httpServer.keepAliveTimeout = 65_000;
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
        async stop() {
          await beforeClose();
          await new Promise<void>((done) => httpServer.close(() => done()));
        },
      });
    });
  });
}
