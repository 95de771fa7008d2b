/** The microphone, camera and speaker the user chose last, kept across calls and reloads. */
export type DeviceKind = 'audioinput' | 'videoinput' | 'audiooutput';

const KEY = 'messenger.devices';

export const preferredDevices = (): Partial<Record<DeviceKind, string>> => {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Record<DeviceKind, string>>;
  } catch {
    return {};
  }
};

export const rememberDevice = (kind: DeviceKind, deviceId: string): void => {
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...preferredDevices(), [kind]: deviceId }));
  } catch {
    // no storage: the choice lasts for this call
  }
};
