import { createRequire } from 'node:module';
import type * as Uws from 'uWebSockets.js';

/**
 * Loads uWebSockets.js and refuses its silent fallback. The republished package catches a native
 * addon that fails to load, only warns, and hands back a `ws`-based imitation with none of the
 * performance this gateway is built for; a gateway running on it must not start.
 */
export const loadUws = (env: NodeJS.ProcessEnv = process.env): typeof Uws => {
  const flag = env.UWS_USE_FALLBACK;
  if (flag !== undefined && /^(1|true)$/i.test(flag)) {
    throw new Error('uWebSockets.js: UWS_USE_FALLBACK is set; refusing the ws-based fallback');
  }
  const require = createRequire(import.meta.url);
  const uws = require('uWebSockets.js') as typeof Uws;
  if (!isNative(uws)) {
    throw new Error(
      `uWebSockets.js native addon did not load for node ${process.versions.node} (ABI ${process.versions.modules}, ${process.platform}-${process.arch}); refusing the ws-based fallback`,
    );
  }
  return uws;
};

export const isNative = (uws: typeof Uws): boolean =>
  typeof uws.App === 'function' && Function.prototype.toString.call(uws.App).includes('[native code]');
