// What both baselines share with the gateway: the same Ed25519 access-token check (as
// services/gateway/src/auth/access-token.ts, synchronous node:crypto), and the same per-user NATS
// subscription to push.user.<id> that the gateway's PushHub holds while a user has a socket.
import { Buffer } from 'node:buffer';
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import process from 'node:process';

const decodeJson = (part) => {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

/** Returns the user id of a valid token, or undefined. */
export const tokenVerifier = (publicKeyPem, { issuer = 'messenger', audience = 'messenger' } = {}) => {
  const key = createPublicKey(publicKeyPem);
  return (token) => {
    if (typeof token !== 'string') return undefined;
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [headerPart, payloadPart, signaturePart] = parts;
    const header = decodeJson(headerPart);
    if (header?.alg !== 'EdDSA' || header.crit !== undefined) return undefined;
    if (!verify(null, Buffer.from(`${headerPart}.${payloadPart}`), key, Buffer.from(signaturePart, 'base64url'))) return undefined;
    const claims = decodeJson(payloadPart);
    const now = Math.floor(Date.now() / 1000);
    if (!claims || claims.iss !== issuer) return undefined;
    if (!(claims.aud === audience || (Array.isArray(claims.aud) && claims.aud.includes(audience)))) return undefined;
    if (typeof claims.nbf === 'number' && claims.nbf > now + 30) return undefined;
    if (typeof claims.exp !== 'number' || claims.exp <= now - 30) return undefined;
    if (typeof claims.sub !== 'string' || !/^[a-f0-9]{24}$/.test(claims.sub)) return undefined;
    return claims.sub;
  };
};

export const publicKeyFromEnv = () => process.env.JWT_PUBLIC_KEY ?? readFileSync(process.env.JWT_PUBLIC_KEY_FILE, 'utf8');

/**
 * One NATS subscription per user with at least one socket here, as the gateway's PushHub; `deliver`
 * gets the user id and the message bytes. Without NATS_URL, attach/detach only count.
 */
export const pushHub = async (deliver) => {
  const users = new Map();
  const url = process.env.NATS_URL;
  const nats = url
    ? await (
        await import('@nats-io/transport-node')
      ).connect({
        servers: url.split(','),
        ...(process.env.NATS_USER
          ? { user: process.env.NATS_USER, pass: process.env.NATS_PASSWORD, inboxPrefix: `_INBOX.${process.env.NATS_USER}` }
          : {}),
      })
    : undefined;
  return {
    nats,
    attach(userId) {
      const entry = users.get(userId);
      if (entry) {
        entry.sockets += 1;
        return;
      }
      const subscription = nats?.subscribe(`push.user.${userId}`, { callback: (error, msg) => error || deliver(userId, msg.data) });
      users.set(userId, { sockets: 1, subscription });
    },
    detach(userId) {
      const entry = users.get(userId);
      if (!entry) return;
      entry.sockets -= 1;
      if (entry.sockets > 0) return;
      entry.subscription?.unsubscribe();
      users.delete(userId);
    },
  };
};

/** The driver reads the port from this first stdout line. */
export const announce = (server, extra = {}) => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, pid: process.pid, ...extra })}\n`);
};

export const listenPort = () => Number(process.env.PORT ?? 0);
