// Starts a baseline server (socketio-server.mjs or ws-server.mjs) as its own process, so its RSS and
// CPU can be read and it can be pinned apart from the load generator.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { pin, sleep } from '../lib/proc.mjs';
import { collectGarbage, inspectorUrl } from './inspector.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * @param {'socketio'|'ws'} kind
 * @param {{publicKeyPem: string, nats?: {servers: string[], user?: string, pass?: string}, cores?: string, inspect?: boolean}} options  inspect: run with the
 *   inspector on a free loopback port, so collectGarbage() can force a full GC before a memory reading
 */
export const startBaseline = async (kind, options) => {
  const child = spawn(process.execPath, [...(options.inspect ? ['--inspect=127.0.0.1:0'] : []), join(HERE, `${kind}-server.mjs`)], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      JWT_PUBLIC_KEY: options.publicKeyPem,
      NATS_URL: options.nats?.servers.join(',') ?? '',
      NATS_USER: options.nats?.user ?? '',
      NATS_PASSWORD: options.nats?.pass ?? '',
      PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let inspector;
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
    inspector ??= inspectorUrl(chunk);
    if (!/Debugger listening|For help, see|Debugger attached|Waiting for the debugger/.test(chunk))
      process.stderr.write(`[${kind}] ${chunk}`);
  });
  let exited = false;
  child.on('exit', () => (exited = true));
  const port = await new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`${kind} baseline did not start: ${stderr}`)), 15_000);
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      resolve(JSON.parse(buffer.slice(0, newline)).port);
    });
    child.on('exit', (code) => reject(new Error(`${kind} baseline exited with ${code}: ${stderr}`)));
  });
  if (options.cores) pin(child.pid, options.cores);
  return {
    pid: child.pid,
    port,
    url: kind === 'socketio' ? `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket` : `ws://127.0.0.1:${port}/ws`,
    alive: () => !exited,
    /** Forces a full GC (needs `inspect: true`). */
    collectGarbage: () => collectGarbage(inspector),
    stop: async () => {
      if (!exited) child.kill('SIGTERM');
      const deadline = Date.now() + 10_000;
      while (!exited && Date.now() < deadline) await sleep(50);
      if (!exited) child.kill('SIGKILL');
    },
  };
};
