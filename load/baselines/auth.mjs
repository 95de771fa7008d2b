// What both baselines share with the gateway: the same Ed25519 access-token check (as
// services/gateway/src/auth/access-token.ts, synchronous node:crypto), and the same single NATS
// subscription to push.users that the gateway's PushHub holds, delivering to the users with a socket here.
import { Buffer } from 'node:buffer';
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { decodePush, PUSH_SUBJECT } from '@messenger/contracts';

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
 * One NATS subscription to push.users for the whole server, as the gateway's PushHub: each push names its users,
 * and `deliver` gets those of them with a socket here, and the frame's bytes, once per push. Without NATS_URL,
 * attach/detach only count.
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
  nats?.subscribe(PUSH_SUBJECT, {
    callback: (error, msg) => {
      const push = error ? null : decodePush(msg.data);
      if (!push) return;
      const here = push.userIds.filter((userId) => users.has(userId));
      if (here.length) deliver(here, push.frame);
    },
  });
  return {
    nats,
    attach(userId) {
      users.set(userId, (users.get(userId) ?? 0) + 1);
    },
    detach(userId) {
      const sockets = users.get(userId);
      if (sockets === undefined) return;
      if (sockets > 1) users.set(userId, sockets - 1);
      else users.delete(userId);
    },
  };
};

/** The driver reads the port from this first stdout line. */
export const announce = (server, extra = {}) => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, pid: process.pid, ...extra })}\n`);
};

export const listenPort = () => Number(process.env.PORT ?? 0);
