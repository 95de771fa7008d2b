/** Sounds closer together than this are one sound: a burst of messages pings once. */
const MIN_GAP_MS = 1_500;

/**
 * The new-message "pop", made with Web Audio like the ringtone, so there is no asset to ship. A browser
 * starts audio only after a gesture on the page: `unlock()` runs on the first click or key press, and
 * until then a message arrives silently.
 */
export class MessageSound {
  private context: AudioContext | null = null;
  private lastAt = Number.NEGATIVE_INFINITY;

  unlock(): void {
    try {
      this.context ??= new AudioContext();
      void this.context.resume().catch(() => undefined);
    } catch {
      this.context = null;
    }
  }

  play(now = Date.now()): void {
    if (now - this.lastAt < MIN_GAP_MS) return;
    this.lastAt = now;
    const context = this.context;
    if (!context || context.state !== 'running') return;
    const start = context.currentTime;
    for (const [offset, frequency] of [
      [0, 990],
      [0.09, 1320],
    ] as const) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0, start + offset);
      gain.gain.linearRampToValueAtTime(0.12, start + offset + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.001, start + offset + 0.18);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.2);
    }
  }
}
