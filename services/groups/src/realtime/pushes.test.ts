import type { NatsConnection } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { decodePush } from '@messenger/contracts';
import { Pushes } from './pushes.js';

/** A NATS connection whose flushes (PING → PONG) are answered by the test, in order. */
const fakeNats = () => {
  const log: string[] = [];
  const pongs: (() => void)[] = [];
  const nats = {
    publish: (_subject: string, data: Uint8Array) => log.push(`pub ${decodePush(data)!.userIds.join(',')}`),
    flush: () => {
      log.push('PING');
      return new Promise<void>((resolve) => pongs.push(resolve));
    },
  } as unknown as NatsConnection;
  return { nats, log, pong: () => pongs.shift()!() };
};
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('Pushes.flushed', () => {
  it('shares one PING among the sends of one moment', async () => {
    const { nats, log, pong } = fakeNats();
    const pushes = new Pushes(nats);
    pushes.send(['a'], 'typing', { chatId: 'c', userId: 'u', typing: true } as never);
    const first = pushes.flushed();
    pushes.send(['b'], 'typing', { chatId: 'c', userId: 'u', typing: true } as never);
    const second = pushes.flushed();
    await settle();
    expect(log).toEqual(['pub a', 'pub b', 'PING']);
    pong();
    await Promise.all([first, second]);
  });

  it('never answers a publish with a PING sent before it: one made while a flush is out waits for the next', async () => {
    const { nats, log, pong } = fakeNats();
    const pushes = new Pushes(nats);
    pushes.send(['a'], 'typing', {} as never);
    let firstDone = false;
    void pushes.flushed().then(() => (firstDone = true));
    await settle();
    pushes.send(['b'], 'typing', {} as never);
    let secondDone = false;
    void pushes.flushed().then(() => (secondDone = true));
    pushes.send(['c'], 'typing', {} as never);
    void pushes.flushed();
    await settle();
    // One PING out at a time: b and c wait for it to come back, then share the next.
    expect(log).toEqual(['pub a', 'PING', 'pub b', 'pub c']);
    pong();
    await settle();
    expect(firstDone).toBe(true);
    expect(secondDone).toBe(false);
    expect(log.slice(-1)).toEqual(['PING']);
    pong();
    await settle();
    expect(secondDone).toBe(true);
    expect(log.filter((entry) => entry === 'PING')).toHaveLength(2);
  });
});
