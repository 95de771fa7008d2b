import { signal } from '@angular/core';

/**
 * A ringtone made with Web Audio, so there is no asset to ship: two soft tones, repeated. A browser
 * that blocks audio before the first click stays silent; the incoming-call card still shows.
 */
export class Ringtone {
  private context: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  readonly playing = signal(false);

  start(): void {
    if (this.timer) return;
    try {
      this.context ??= new AudioContext();
      void this.context.resume().catch(() => undefined);
    } catch {
      this.context = null;
    }
    this.ring();
    this.timer = setInterval(() => this.ring(), 2_000);
    this.playing.set(true);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.playing.set(false);
  }

  private ring(): void {
    const context = this.context;
    if (!context || context.state !== 'running') return;
    const now = context.currentTime;
    for (const [offset, frequency] of [
      [0, 880],
      [0.25, 660],
    ] as const) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0, now + offset);
      gain.gain.linearRampToValueAtTime(0.15, now + offset + 0.02);
      gain.gain.linearRampToValueAtTime(0, now + offset + 0.22);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(now + offset);
      oscillator.stop(now + offset + 0.25);
    }
  }
}
