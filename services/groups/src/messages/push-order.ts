/** A send's place in its chat's push order: wait for `ready` before pushing, call `done` once pushed or given up. */
export interface PushTurn {
  ready: Promise<void>;
  done: () => void;
}

/**
 * Keeps one replica's pushes of a chat in `seq` order while the sends themselves overlap (their numbers drawn, their
 * inserts stored together, their answers written). A send takes its turn as soon as its number is drawn: the replies
 * of one Redis connection come back in the order the scripts ran, so turns are taken in `seq` order. Only the push
 * waits for the turns before it; a send that fails or retries gives its turn up, and the next goes on.
 */
export class PushOrder {
  private readonly tails = new Map<string, Promise<void>>();

  /** Call in the same tick the number came back in, before any other await. */
  turn(chatId: string): PushTurn {
    const ready = this.tails.get(chatId) ?? Promise.resolve();
    let done!: () => void;
    const released = new Promise<void>((resolve) => (done = resolve));
    // The next turn waits for this one and every one before it: a send that gives up early lets nobody jump ahead.
    const mine = ready.then(() => released);
    this.tails.set(chatId, mine);
    void mine.then(() => {
      if (this.tails.get(chatId) === mine) this.tails.delete(chatId);
    });
    return { ready, done };
  }

  /** Chats with a turn still out (for tests: none once every send has finished). */
  get busyChats(): number {
    return this.tails.size;
  }
}
