import type { Logger } from '@messenger/kit';
import type { AccountsRepository } from '../accounts/accounts.repository.js';
import type { LastSeen, PresenceRepository } from './presence.repository.js';

const TAKE = 1_000;

/**
 * Copies last-seen times from Redis to the store in the background, so going offline costs the store
 * nothing on the way (a reconnect storm of thousands of sockets made as many scans). Redis keeps one
 * time per user, the newest, until it is copied; any replica may copy, each takes its own share.
 */
export class LastSeenWriter {
  private running: Promise<void> | undefined;

  constructor(
    private readonly presence: PresenceRepository,
    private readonly accounts: AccountsRepository,
    private readonly logger: Logger,
  ) {}

  /** Copies what is queued; a call while one runs waits for that one instead of starting another. */
  flush(): Promise<void> {
    this.running ??= this.copyAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async copyAll(): Promise<void> {
    for (;;) {
      let taken: LastSeen[] = [];
      try {
        taken = await this.presence.takeUnsaved(TAKE);
        if (!taken.length) return;
        await this.accounts.saveLastSeen(taken);
      } catch (error) {
        this.logger.warn({ err: error, users: taken.length }, 'last-seen times not saved; will retry');
        await this.presence.returnUnsaved(taken).catch((e: unknown) => this.logger.warn({ err: e }, 'last-seen times lost'));
        return;
      }
    }
  }
}
