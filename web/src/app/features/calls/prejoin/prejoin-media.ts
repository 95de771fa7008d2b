import { InjectionToken } from '@angular/core';
import { createAudioAnalyser, createLocalAudioTrack, createLocalVideoTrack, Room, type LocalAudioTrack, type LocalVideoTrack } from 'livekit-client';
import type { DeviceKind } from '../../../core/calls/device-preferences';

/** A running loudness reading of a microphone. */
export interface LevelMeter {
  /** 0..1: the last few milliseconds' loudness on a −60…0 dBFS scale. */
  level(): number;
  stop(): void;
}

/**
 * What the pre-join screen needs from the browser's media, in one seam: livekit-client in the app,
 * fakes in tests (jsdom has no getUserMedia or Web Audio).
 */
export interface PrejoinMedia {
  microphone(deviceId: string | undefined): Promise<LocalAudioTrack>;
  camera(deviceId: string | undefined): Promise<LocalVideoTrack>;
  /** Without asking for permission again: before it is granted, labels are empty. */
  devices(kind: DeviceKind): Promise<MediaDeviceInfo[]>;
  meter(track: LocalAudioTrack): LevelMeter;
  /** Calls back when a device is plugged in or out; returns the unsubscribe. */
  onDeviceChange(handler: () => void): () => void;
}

// Quiet room noise sits around −60 dBFS and close speech around −20…−10, so this range fills the bar
// for talking and leaves it near empty in silence.
const FLOOR_DB = -60;

export const livekitMedia: PrejoinMedia = {
  microphone: (deviceId) => createLocalAudioTrack({ deviceId, echoCancellation: true, noiseSuppression: true }),
  camera: (deviceId) => createLocalVideoTrack({ deviceId, facingMode: 'user' }),
  devices: async (kind) => {
    try {
      return await Room.getLocalDevices(kind, false);
    } catch {
      return [];
    }
  },
  meter: (track) => {
    // livekit's analyser builds the Web Audio graph and resumes a suspended context on the first click.
    const { analyser, cleanup } = createAudioAnalyser(track, { fftSize: 1024, smoothingTimeConstant: 0 });
    const samples = new Float32Array(analyser.fftSize);
    return {
      level: () => {
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const sample of samples) sum += sample * sample;
        const rms = Math.sqrt(sum / samples.length);
        const db = rms > 0 ? 20 * Math.log10(rms) : FLOOR_DB;
        return Math.min(1, Math.max(0, (db - FLOOR_DB) / -FLOOR_DB));
      },
      stop: () => void cleanup(),
    };
  },
  onDeviceChange: (handler) => {
    const devices = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    devices?.addEventListener('devicechange', handler);
    return () => devices?.removeEventListener('devicechange', handler);
  },
};

export const PREJOIN_MEDIA = new InjectionToken<PrejoinMedia>('PrejoinMedia', { providedIn: 'root', factory: () => livekitMedia });
