// Forces a full garbage collection in another Node process through its inspector (the process runs
// with --inspect=127.0.0.1:0 and prints its URL), so a memory figure counts live objects, not garbage
// that V8 has not collected yet. Used the same way for the gateway and for both baselines.
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';

/** The inspector URL from a "Debugger listening on ws://…" line, or undefined. */
export const inspectorUrl = (line) => /Debugger listening on (ws:\/\/\S+)/.exec(line)?.[1];

/** Two full GCs (the second collects what finalizers freed), then a pause for the allocator to return pages. */
export const collectGarbage = async (url, settleMs = 2_000) => {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let id = 0;
  const pending = new Map();
  socket.on('message', (data) => {
    const reply = JSON.parse(data.toString());
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  const call = (method) =>
    new Promise((resolve) => {
      pending.set(++id, resolve);
      socket.send(JSON.stringify({ id, method }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
  } finally {
    socket.close();
  }
  await sleep(settleMs);
};
