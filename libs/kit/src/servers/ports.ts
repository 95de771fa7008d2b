import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports are handed out below the kernel's ephemeral range. A port the OS picked for us (listen on 0) comes
 * from that range, and between our check and the child's bind any outgoing connection may take it: a load
 * test opens thousands, and CI failed twice on EADDRINUSE that way. Below the range only listeners compete.
 */
const ephemeralStart = (): number => {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32_768;
  } catch {
    return 32_768;
  }
};

const FIRST = 10_000;
const LAST = ephemeralStart() - 1;
const SPAN = LAST - FIRST + 1;

// Each process walks the range from its own random place, so test workers running side by side do not
// offer each other the same port in the moment before a child binds it.
let next = FIRST + Math.floor(Math.random() * SPAN);

const bindable = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });

const osPicked = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

/** A TCP port free on 127.0.0.1 right now, outside the range the OS gives outgoing connections. */
export const freePort = async (): Promise<number> => {
  if (SPAN < 1_000) return osPicked();
  for (let tries = 0; tries < 200; tries++) {
    const port = next;
    next = next === LAST ? FIRST : next + 1;
    if (await bindable(port)) return port;
  }
  return osPicked();
};

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export const portAccepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    import('node:net').then(({ connect }) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.setTimeout(500);
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => (socket.destroy(), resolve(false)));
    });
  });
