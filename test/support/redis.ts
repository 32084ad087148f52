// A Redis server of a test's own (redis-server from PATH, in memory only, on a free port), for
// tests that cut or need Redis whatever REDIS_URL the run has.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { freePort } from './stack';
import { eventually } from './ws';

export interface PrivateRedis {
  port: number;
  url: string;
  stop(): void;
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => (socket.destroy(), resolve(data.toString().startsWith('+PONG'))));
    socket.once('error', () => resolve(false));
  });
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await eventually(() => answers(port), 10_000, 'the Redis server');
  return { port, url: `redis://127.0.0.1:${port}`, stop: () => void server.kill('SIGKILL') };
}
