// The Socket.IO 4 baseline: a minimal server doing the gateway's WebSocket job. The same access-token
// check (as auth middleware), one room `user:<id>` per user, a `ready` event on connect, and one NATS
// subscription per user whose events are broadcast to the room with io.to(room).emit.
// Tuned as Socket.IO's own docs advise: websocket transport only (no long-polling, no upgrade),
// no per-message deflate or HTTP compression, no client bundle, the initial HTTP request discarded.
import { createServer } from 'node:http';
import process from 'node:process';
import { TextDecoder } from 'node:util';
import { Server } from 'socket.io';
import { announce, listenPort, publicKeyFromEnv, pushHub, tokenVerifier } from './auth.mjs';

const verifyToken = tokenVerifier(publicKeyFromEnv());
const utf8 = new TextDecoder();
const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  allowUpgrades: false,
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
  maxHttpBufferSize: 4 * 1024,
});
io.engine.on('connection', (rawSocket) => {
  rawSocket.request = null;
});

const hub = await pushHub((userIds, data) => {
  io.to(userIds.map((userId) => `user:${userId}`)).emit('push', JSON.parse(utf8.decode(data)));
});

io.use((socket, next) => {
  const userId = verifyToken(socket.handshake.auth?.token);
  if (!userId) return next(new Error('UNAUTHENTICATED'));
  socket.data.userId = userId;
  next();
});

io.on('connection', (socket) => {
  const { userId } = socket.data;
  hub.attach(userId);
  socket.join(`user:${userId}`);
  socket.emit('ready', { userId });
  socket.on('disconnect', () => hub.detach(userId));
});

http.listen(listenPort(), '127.0.0.1', () => announce(http, { server: 'socket.io' }));
process.on('SIGTERM', () => process.exit(0));
