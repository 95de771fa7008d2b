import type { Logger } from '@messenger/kit';
import type { AttachmentsService } from './attachments.service.js';

const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * Removes uploads no message carries a day after they were made: files picked and never sent would otherwise
 * fill GridFS where nobody can see them. Every replica sweeps; each upload is taken off the list by one of them.
 */
export class AttachmentJanitor {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly attachments: AttachmentsService,
    private readonly logger: Logger,
    private readonly keepUnclaimedMs = 24 * 3600_000,
  ) {}

  start(): () => void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
    return () => clearInterval(this.timer);
  }

  async sweep(now = Date.now()): Promise<void> {
    try {
      for (;;) {
        const removed = await this.attachments.sweepUnclaimed(now - this.keepUnclaimedMs);
        if (removed) this.logger.info({ removed }, 'unclaimed uploads removed');
        if (removed < 100) return;
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'unclaimed uploads not swept; the next sweep tries again');
    }
  }
}
