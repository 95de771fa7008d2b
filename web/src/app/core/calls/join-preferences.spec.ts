import { preferredDevices } from './device-preferences';
import { JOIN_PREFERENCES_KEY, joinPreferences, rememberJoin } from './join-preferences';

describe('join preferences', () => {
  beforeEach(() => localStorage.clear());

  it('starts with the microphone and the camera on and no device chosen', () => {
    expect(joinPreferences()).toEqual({ microphone: true, camera: true, devices: {} });
  });

  it('remembers microphone and camera off across reloads', () => {
    rememberJoin({ microphone: false, camera: false });
    expect(JSON.parse(localStorage.getItem(JOIN_PREFERENCES_KEY)!)).toEqual({ microphone: false, camera: false });
    expect(joinPreferences()).toMatchObject({ microphone: false, camera: false });
  });

  it('keeps a flag that the choice leaves out (an audio call says nothing about the camera)', () => {
    rememberJoin({ microphone: true, camera: false });
    rememberJoin({ microphone: false });
    expect(joinPreferences()).toMatchObject({ microphone: false, camera: false });
  });

  it('stores the devices where the call’s Room reads them, and keeps one that is left out', () => {
    rememberJoin({ devices: { audioinput: 'mic-2', videoinput: 'cam-1' } });
    rememberJoin({ devices: { audioinput: 'mic-3', audiooutput: 'speaker-9', videoinput: undefined } });
    expect(preferredDevices()).toEqual({ audioinput: 'mic-3', videoinput: 'cam-1', audiooutput: 'speaker-9' });
    expect(joinPreferences().devices).toEqual({ audioinput: 'mic-3', videoinput: 'cam-1', audiooutput: 'speaker-9' });
  });

  it('falls back to the defaults for broken or foreign values', () => {
    localStorage.setItem(JOIN_PREFERENCES_KEY, '{not json');
    expect(joinPreferences()).toMatchObject({ microphone: true, camera: true });
    localStorage.setItem(JOIN_PREFERENCES_KEY, JSON.stringify({ microphone: 'no', camera: 0 }));
    expect(joinPreferences()).toMatchObject({ microphone: true, camera: true });
    localStorage.setItem(JOIN_PREFERENCES_KEY, 'null');
    expect(joinPreferences()).toMatchObject({ microphone: true, camera: true });
  });

  it('still answers when storage refuses to write', () => {
    const setItem = vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    try {
      expect(() => rememberJoin({ microphone: false, devices: { audioinput: 'mic-1' } })).not.toThrow();
      expect(joinPreferences()).toEqual({ microphone: true, camera: true, devices: {} });
    } finally {
      setItem.mockRestore();
    }
  });
});
