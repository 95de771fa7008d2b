import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { ConnectionWords } from '../../../core/calls/connection-quality';
import { I18n } from '../../../core/i18n/i18n.service';
import { QualityBadgeComponent } from './quality-badge.component';

describe('QualityBadgeComponent', () => {
  const render = async (quality: ConnectionWords, lang: 'en' | 'ru' = 'en') => {
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection()] });
    TestBed.inject(I18n).set(lang);
    const fixture = TestBed.createComponent(QualityBadgeComponent);
    fixture.componentRef.setInput('quality', quality);
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    return {
      root,
      label: root.querySelector('[data-test=quality-icon]')!.getAttribute('aria-label'),
      title: root.querySelector('[data-test=quality-icon]')!.getAttribute('title'),
      line: root.querySelector('[data-test=quality-line]')?.textContent?.trim() ?? null,
    };
  };

  it('a good connection is an icon with its words, and no line', async () => {
    const { label, title, line, root } = await render({ level: 'good', reason: null, action: null });
    expect(label).toBe('Good connection');
    expect(title).toBe('Good connection');
    expect(line).toBeNull();
    expect(root.getAttribute('data-level')).toBe('good');
  });

  it('a poor connection says why and what was done, in a line too', async () => {
    const { label, line } = await render({ level: 'poor', reason: 'packet-loss', action: 'lowered-video-quality' });
    expect(label).toBe('Poor connection: packet loss. Lowered your video quality.');
    expect(line).toBe('Poor connection: packet loss. Lowered your video quality.');
  });

  it('says it in Russian', async () => {
    const { line } = await render({ level: 'poor', reason: 'bandwidth-limited', action: 'paused-video' }, 'ru');
    expect(line).toBe('Плохое соединение: не хватает скорости сети. Видео приостановлено.');
  });

  it('reads well with only part of the words known', async () => {
    expect((await render({ level: 'lost', reason: null, action: null })).line).toBe('Connection lost');
    TestBed.resetTestingModule();
    expect((await render({ level: 'poor', reason: null, action: 'paused-video' })).line).toBe('Poor connection. Video paused.');
    TestBed.resetTestingModule();
    expect((await render({ level: 'good', reason: 'cpu-limited', action: 'lowered-video-quality' })).label).toBe('Good connection: CPU overloaded. Lowered your video quality.');
  });
});
