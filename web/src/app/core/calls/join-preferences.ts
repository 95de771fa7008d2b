import { preferredDevices, rememberDevice, type DeviceKind } from './device-preferences';

/**
 * How this browser last chose to enter a call: microphone and camera on or off, and the devices.
 * The devices live in device-preferences' store (`messenger.devices`), so the call's Room opens the
 * same microphone, camera and speaker the pre-join screen showed; the on/off choice lives here.
 */
export interface JoinPreferences {
  microphone: boolean;
  camera: boolean;
  devices: Partial<Record<DeviceKind, string>>;
}

export const JOIN_PREFERENCES_KEY = 'messenger.join';

/** A first call starts with both on, as Meet and Discord do: the user sees the preview and turns off what they do not want. */
const DEFAULTS = { microphone: true, camera: true } as const;

const stored = (): Partial<Record<'microphone' | 'camera', unknown>> => {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(JOIN_PREFERENCES_KEY) ?? '{}');
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

const flag = (value: unknown, fallback: boolean): boolean => (typeof value === 'boolean' ? value : fallback);

export const joinPreferences = (): JoinPreferences => {
  const saved = stored();
  return {
    microphone: flag(saved.microphone, DEFAULTS.microphone),
    camera: flag(saved.camera, DEFAULTS.camera),
    devices: preferredDevices(),
  };
};

/**
 * Keeps what the user chose. A flag left out is kept as it was (an audio call says nothing about the
 * camera); a device left out is kept too, so a picker that found nothing does not forget a device
 * that is merely unplugged now.
 */
export const rememberJoin = (choice: { microphone?: boolean; camera?: boolean; devices?: Partial<Record<DeviceKind, string>> }): void => {
  const saved = stored();
  const next = {
    microphone: flag(choice.microphone, flag(saved.microphone, DEFAULTS.microphone)),
    camera: flag(choice.camera, flag(saved.camera, DEFAULTS.camera)),
  };
  try {
    localStorage.setItem(JOIN_PREFERENCES_KEY, JSON.stringify(next));
  } catch {
    // no storage: the choice lasts for this call
  }
  for (const [kind, deviceId] of Object.entries(choice.devices ?? {}) as [DeviceKind, string | undefined][]) {
    if (deviceId) rememberDevice(kind, deviceId);
  }
};
