// Gives back what start-up used. V8 grows the young generation to what start-up needs (migrations,
// the seed, compiling every module: up to --max-semi-space-size, npm start's 32 MB) and keeps it
// until memory runs low, which an idle server never signals: the garbage of start-up stays
// resident. One low-memory notification once the server is ready collects it and shrinks the
// young generation back to its minimum; requests grow it again as they need. Node has no API for
// the notification but the inspector's, used in this process (no port is opened). The session is
// closed on the next turn: closing it inside the answer's callback hangs Node 20's main thread.
import { Session } from 'node:inspector';

export function releaseStartupMemory(): Promise<void> {
  const session = new Session();
  session.connect();
  return new Promise((resolve) =>
    session.post('HeapProfiler.collectGarbage', () =>
      setImmediate(() => {
        session.disconnect();
        resolve();
      }),
    ),
  );
}
