import { describe, expect, it } from 'vitest';
import { isNative, loadUws } from './uws.js';

describe('loadUws', () => {
  it('loads the native addon on this machine', () => {
    expect(isNative(loadUws({}))).toBe(true);
  });

  it('refuses to run on the ws-based fallback when it is forced', () => {
    expect(() => loadUws({ UWS_USE_FALLBACK: '1' })).toThrow(/refusing the ws-based fallback/);
    expect(() => loadUws({ UWS_USE_FALLBACK: 'true' })).toThrow(/refusing/);
  });

  it('recognises the fallback implementation as not native', async () => {
    const { createRequire } = await import('node:module');
    const fallback = createRequire(import.meta.url)('uWebSockets.js/dist/index.js');
    expect(isNative(fallback)).toBe(false);
  });
});
