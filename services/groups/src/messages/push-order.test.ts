import { describe, expect, it } from 'vitest';
import { PushOrder } from './push-order.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('PushOrder', () => {
  it('lets a later turn push only after every earlier turn of its chat is done', async () => {
    const order = new PushOrder();
    const pushed: string[] = [];
    const first = order.turn('c');
    const second = order.turn('c');
    const third = order.turn('c');
    void third.ready.then(() => pushed.push('third'));
    void second.ready.then(() => pushed.push('second'));
    await settle();
    expect(pushed).toEqual([]);
    first.done();
    await settle();
    expect(pushed).toEqual(['second']);
    second.done();
    await settle();
    expect(pushed).toEqual(['second', 'third']);
  });

  it('keeps chats apart: a slow send holds back only its own chat', async () => {
    const order = new PushOrder();
    order.turn('slow');
    const other = order.turn('other');
    let ready = false;
    void other.ready.then(() => (ready = true));
    await settle();
    expect(ready).toBe(true);
  });

  it('moves on past a turn given up, and forgets a chat once its last turn is done', async () => {
    const order = new PushOrder();
    const failed = order.turn('c');
    const next = order.turn('c');
    failed.done();
    failed.done(); // giving up twice (a finally after a done) is harmless
    await next.ready;
    next.done();
    await settle();
    expect(order.busyChats).toBe(0);
  });

  it('holds later turns behind an earlier one still out, even when a turn between them gives up first', async () => {
    const order = new PushOrder();
    const slow = order.turn('c');
    const gaveUp = order.turn('c');
    const later = order.turn('c');
    let laterReady = false;
    void later.ready.then(() => (laterReady = true));
    gaveUp.done(); // a retry answered at once, say
    await settle();
    expect(laterReady).toBe(false);
    slow.done();
    await settle();
    expect(laterReady).toBe(true);
  });
});
