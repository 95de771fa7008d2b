import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { LocalAudioTrack, LocalVideoTrack } from 'livekit-client';
import type { DeviceKind } from '../../../core/calls/device-preferences';
import { joinPreferences, rememberJoin } from '../../../core/calls/join-preferences';
import { PREJOIN_MEDIA, type PrejoinMedia } from './prejoin-media';
import { PrejoinComponent, type PrejoinChoice } from './prejoin.component';

/** A stand-in for a livekit local track: records whether it was stopped and where it is attached. */
class FakeTrack {
  stopped = false;
  attached: HTMLMediaElement[] = [];
  constructor(readonly deviceId: string) {}
  stop() {
    this.stopped = true;
  }
  attach(element: HTMLMediaElement) {
    this.attached.push(element);
    return element;
  }
  detach(element: HTMLMediaElement) {
    this.attached = this.attached.filter((e) => e !== element);
    return element;
  }
  async getDeviceId() {
    return this.deviceId;
  }
}

const device = (kind: DeviceKind, deviceId: string, label: string) => ({ kind, deviceId, label, groupId: deviceId }) as MediaDeviceInfo;

const failure = (name: string) => Object.assign(new Error(name), { name });

/** Media that answers as told: tracks per device, or an error per kind. */
class FakeMedia implements PrejoinMedia {
  readonly opened: FakeTrack[] = [];
  micError: Error | null = null;
  cameraError: Error | null = null;
  level = 0.5;
  meters = 0;
  metersStopped = 0;
  watching = 0;
  list: Record<DeviceKind, MediaDeviceInfo[]> = {
    audioinput: [device('audioinput', 'mic-1', 'Built-in microphone'), device('audioinput', 'mic-2', 'USB headset')],
    videoinput: [device('videoinput', 'cam-1', 'FaceTime camera'), device('videoinput', 'cam-2', 'USB camera')],
    audiooutput: [device('audiooutput', 'out-1', 'Speakers')],
  };

  async microphone(deviceId: string | undefined) {
    if (this.micError) throw this.micError;
    const track = new FakeTrack(deviceId ?? 'mic-1');
    this.opened.push(track);
    return track as unknown as LocalAudioTrack;
  }
  async camera(deviceId: string | undefined) {
    if (this.cameraError) throw this.cameraError;
    const track = new FakeTrack(deviceId ?? 'cam-1');
    this.opened.push(track);
    return track as unknown as LocalVideoTrack;
  }
  async devices(kind: DeviceKind) {
    return this.list[kind];
  }
  meter() {
    this.meters++;
    return { level: () => this.level, stop: () => void this.metersStopped++ };
  }
  onDeviceChange() {
    this.watching++;
    return () => void this.watching--;
  }
  get live() {
    return this.opened.filter((t) => !t.stopped).map((t) => t.deviceId);
  }
}

describe('PrejoinComponent', () => {
  beforeEach(() => localStorage.clear());

  const render = async (callType: 'audio' | 'video', media = new FakeMedia()) => {
    localStorage.setItem('messenger.lang', 'en');
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), { provide: PREJOIN_MEDIA, useValue: media }] });
    const fixture = TestBed.createComponent(PrejoinComponent);
    fixture.componentRef.setInput('callType', callType);
    fixture.componentRef.setInput('title', 'Book club');
    const joined: PrejoinChoice[] = [];
    let cancelled = 0;
    fixture.componentInstance.join.subscribe((choice) => joined.push(choice));
    fixture.componentInstance.cancel.subscribe(() => cancelled++);
    const settle = async () => {
      for (let i = 0; i < 5; i++) await fixture.whenStable();
    };
    await settle();
    const root = fixture.nativeElement as HTMLElement;
    const el = <T extends HTMLElement = HTMLElement>(test: string) => root.querySelector<T>(`[data-test=${test}]`);
    const click = async (test: string) => {
      el(test)!.click();
      await settle();
    };
    return { fixture, root, el, click, settle, media, joined, cancelled: () => cancelled };
  };

  it('opens the microphone and the camera, shows the preview and lists the devices', async () => {
    const { el, media, root } = await render('video');
    expect(media.live).toEqual(['mic-1', 'cam-1']);
    expect(el('prejoin-mic')!.getAttribute('aria-pressed')).toBe('true');
    expect(el('prejoin-camera')!.getAttribute('aria-pressed')).toBe('true');
    expect(media.opened[1]!.attached).toEqual([el('prejoin-video')]);
    expect(el('prejoin-video')!.hidden).toBe(false);
    const options = [...root.querySelectorAll('[data-test=prejoin-device-videoinput] option')].map((o) => o.textContent?.trim());
    expect(options).toEqual(['FaceTime camera', 'USB camera']);
    expect(root.querySelector('[role=dialog]')!.getAttribute('aria-labelledby')).toBe(root.querySelector('h2')!.id);
    expect(root.querySelector('h2')!.textContent).toContain('Book club');
  });

  it('shows the microphone level as a meter', async () => {
    const { el, media } = await render('audio');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const meter = el('prejoin-level')!;
    expect(meter.getAttribute('role')).toBe('meter');
    expect(meter.getAttribute('aria-valuenow')).toBe('50');
    expect(media.meters).toBe(1);
  });

  it('offers no camera for an audio call and opens none', async () => {
    const { el, media, click, joined } = await render('audio');
    expect(el('prejoin-camera')).toBeNull();
    expect(el('prejoin-video')!.hidden).toBe(true);
    expect(el('prejoin-device-videoinput')).toBeNull();
    expect(media.live).toEqual(['mic-1']);
    await click('prejoin-join');
    expect(joined).toEqual([{ microphone: true, camera: false, devices: { audioinput: 'mic-1' } }]);
  });

  it('turning the camera off stops it (the light goes off) and turning it on opens it again', async () => {
    const { click, el, media } = await render('video');
    await click('prejoin-camera');
    expect(el('prejoin-camera')!.getAttribute('aria-pressed')).toBe('false');
    expect(media.live).toEqual(['mic-1']);
    expect(el('prejoin-video')!.hidden).toBe(true);
    await click('prejoin-camera');
    expect(media.live).toEqual(['mic-1', 'cam-1']);
  });

  it('turning the microphone off stops it and its meter', async () => {
    const { click, el, media } = await render('audio');
    await click('prejoin-mic');
    expect(el('prejoin-mic')!.getAttribute('aria-pressed')).toBe('false');
    expect(media.live).toEqual([]);
    expect(media.metersStopped).toBe(1);
    expect(el('prejoin-level')!.getAttribute('aria-valuenow')).toBe('0');
    expect(el('prejoin-join')!.textContent?.trim()).toBe('Join without microphone');
  });

  it('switching a device reopens it on the new one', async () => {
    const { el, media, settle } = await render('video');
    const select = el<HTMLSelectElement>('prejoin-device-audioinput')!;
    select.value = 'mic-2';
    select.dispatchEvent(new Event('change'));
    await settle();
    expect(media.live).toEqual(['cam-1', 'mic-2']);
  });

  it('joins with the choice, remembers it, and stops every track first', async () => {
    const media = new FakeMedia();
    const { click, el, joined, settle } = await render('video', media);
    const camera = el<HTMLSelectElement>('prejoin-device-videoinput')!;
    camera.value = 'cam-2';
    camera.dispatchEvent(new Event('change'));
    await settle();
    await click('prejoin-mic');
    await click('prejoin-join');
    expect(joined).toEqual([{ microphone: false, camera: true, devices: { audioinput: 'mic-1', videoinput: 'cam-2' } }]);
    expect(media.live).toEqual([]);
    expect(media.watching).toBe(0);
    expect(joinPreferences()).toEqual({ microphone: false, camera: true, devices: { audioinput: 'mic-1', videoinput: 'cam-2' } });
  });

  it('starts from what was remembered', async () => {
    rememberJoin({ microphone: false, camera: false, devices: { audioinput: 'mic-2' } });
    const { el, media, root } = await render('video');
    expect(el('prejoin-mic')!.getAttribute('aria-pressed')).toBe('false');
    expect(el('prejoin-camera')!.getAttribute('aria-pressed')).toBe('false');
    expect(media.live).toEqual([]);
    expect(root.querySelector<HTMLOptionElement>('[data-test=prejoin-device-audioinput] option:checked')!.value).toBe('mic-2');
  });

  it('cancel (or Escape) stops every track and joins nothing', async () => {
    const { media, joined, cancelled, settle } = await render('video');
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await settle();
    expect(cancelled()).toBe(1);
    expect(joined).toEqual([]);
    expect(media.live).toEqual([]);
  });

  it('stops every track when it goes away', async () => {
    const { fixture, media } = await render('video');
    fixture.destroy();
    expect(media.live).toEqual([]);
    expect(media.watching).toBe(0);
  });

  it('a track that arrives after the user left is stopped at once', async () => {
    const media = new FakeMedia();
    let release!: () => void;
    const slow = media.camera.bind(media);
    media.camera = (deviceId) => new Promise((resolve) => (release = () => resolve(slow(deviceId))));
    const { fixture } = await render('video', media);
    fixture.destroy();
    release();
    await new Promise((resolve) => setTimeout(resolve));
    expect(media.opened.length).toBe(2);
    expect(media.live).toEqual([]);
  });

  it('a refused microphone is said plainly and the user can still join to listen, without forgetting their wish', async () => {
    const media = new FakeMedia();
    media.micError = failure('NotAllowedError');
    const { el, root, click, joined } = await render('audio', media);
    expect(root.querySelector('[data-test=prejoin-problem]')!.textContent).toContain('No access to the microphone');
    expect(el('prejoin-mic')!.getAttribute('aria-pressed')).toBe('false');
    await click('prejoin-join');
    expect(joined[0]).toMatchObject({ microphone: false, camera: false });
    expect(joinPreferences().microphone).toBe(true);
  });

  it('a missing camera says so, the call goes on without video, and trying again works once it is back', async () => {
    const media = new FakeMedia();
    media.cameraError = failure('NotFoundError');
    const { root, click, el } = await render('video', media);
    expect(root.querySelector('[data-test=prejoin-problem]')!.textContent).toContain('No camera found');
    expect(el('prejoin-camera')!.getAttribute('aria-pressed')).toBe('false');
    media.cameraError = null;
    await click('prejoin-camera');
    expect(root.querySelector('[data-test=prejoin-problem]')).toBeNull();
    expect(media.live).toEqual(['mic-1', 'cam-1']);
  });

  it('a camera in use by another app reads as unavailable', async () => {
    const media = new FakeMedia();
    media.cameraError = failure('NotReadableError');
    const { root } = await render('video', media);
    expect(root.querySelector('[data-test=prejoin-problem]')!.textContent).toContain('another app may be using it');
  });
});
