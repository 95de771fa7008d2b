import { ServiceError } from '../errors.js';

/**
 * At most `size` tasks of one kind at a time in this process, and at most `queue` waiting for a place; beyond
 * that a request is refused at once (503 with Retry-After) rather than piling up behind the others. It keeps
 * CPU- and memory-heavy work (password hashing, picture decoding) from starving each other and everything else.
 */
export class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly name: string,
    private readonly size: number,
    private readonly queue: number,
  ) {}

  get busy(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) {
      if (this.waiting.length >= this.queue) {
        throw new ServiceError('SERVICE_UNAVAILABLE', `too busy (${this.name}); try again`, { retryAfterSeconds: 1 });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    try {
      return await task();
    } finally {
      // The place passes straight to the next in line, so `active` never drops below the work being done.
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
