import { describe, expect, it } from 'vitest';
import { ServiceError } from '../errors.js';
import { Slots } from './slots.js';

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
};

describe('Slots', () => {
  it('runs at most `size` tasks at once, queues up to `queue`, and refuses the rest with 503', async () => {
    const slots = new Slots('hash', 2, 1);
    const gates = [gate(), gate(), gate()];
    let running = 0;
    let most = 0;
    const task = (g: ReturnType<typeof gate>) => async () => {
      running += 1;
      most = Math.max(most, running);
      await g.opened;
      running -= 1;
      return 'done';
    };
    const first = slots.run(task(gates[0]!));
    const second = slots.run(task(gates[1]!));
    const third = slots.run(task(gates[2]!));
    const refused = slots.run(task(gate()));
    await expect(refused).rejects.toBeInstanceOf(ServiceError);
    await expect(refused).rejects.toMatchObject({ payload: { code: 'SERVICE_UNAVAILABLE', details: { retryAfterSeconds: 1 } } });
    expect([slots.busy, slots.queued]).toEqual([2, 1]);
    gates[0]!.open();
    await first;
    expect([slots.busy, slots.queued]).toEqual([2, 0]);
    gates[1]!.open();
    gates[2]!.open();
    expect(await Promise.all([second, third])).toEqual(['done', 'done']);
    expect(most).toBe(2);
    expect([slots.busy, slots.queued]).toEqual([0, 0]);
  });

  it('frees the place of a task that fails', async () => {
    const slots = new Slots('decode', 1, 0);
    await expect(slots.run(() => Promise.reject(new Error('corrupt')))).rejects.toThrow('corrupt');
    expect(await slots.run(async () => 1)).toBe(1);
  });
});
