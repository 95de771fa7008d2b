// The plain `ws` baseline: the token checked at upgrade, a Set of sockets per user, a `ready` frame on
// open, one NATS subscription per user, and fan-out as a loop of socket.send(frame) (text, as the gateway).
import { createServer } from 'node:http';
import process from 'node:process';
import { URL } from 'node:url';
import { WebSocketServer } from 'ws';
import { announce, listenPort, publicKeyFromEnv, pushHub, tokenVerifier } from './auth.mjs';

const verifyToken = tokenVerifier(publicKeyFromEnv());
const sockets = new Map(); // userId → Set<WebSocket>
const hub = await pushHub((userIds, data) => {
  for (const userId of userIds) for (const socket of sockets.get(userId) ?? []) socket.send(data, { binary: false });
});

const http = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 4 * 1024, clientTracking: false });
http.on('upgrade', (req, socket, head) => {
  const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('access_token');
  const userId = verifyToken(token);
  if (!userId) {
    socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    let set = sockets.get(userId);
    if (!set) sockets.set(userId, (set = new Set()));
    set.add(ws);
    hub.attach(userId);
    ws.send(JSON.stringify({ type: 'ready', data: { userId } }));
    ws.on('close', () => {
      set.delete(ws);
      if (!set.size) sockets.delete(userId);
      hub.detach(userId);
    });
  });
});

http.listen(listenPort(), '127.0.0.1', () => announce(http, { server: 'ws' }));
process.on('SIGTERM', () => process.exit(0));
