import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { natsLoginOptions } from './connect.js';

describe('natsLoginOptions', () => {
  it('logs in as NATS_USER, with replies on that user’s own inbox', () => {
    expect(natsLoginOptions({ NATS_USER: 'gateway', NATS_PASSWORD: 'n0123' })).toEqual({
      user: 'gateway',
      pass: 'n0123',
      inboxPrefix: '_INBOX.gateway',
    });
  });

  it('adds nothing without a login (a NATS without authorization)', () => {
    expect(natsLoginOptions({})).toEqual({});
    expect(natsLoginOptions({ NATS_USER: '', NATS_PASSWORD: '' })).toEqual({});
  });

  it('stops on half a login, or a user name that cannot name an inbox', () => {
    expect(() => natsLoginOptions({ NATS_USER: 'users' })).toThrow(
      new ConfigError('config error: NATS_PASSWORD is missing (NATS_USER and NATS_PASSWORD go together)'),
    );
    expect(() => natsLoginOptions({ NATS_PASSWORD: 'x' })).toThrow(/NATS_USER is missing/);
    expect(() => natsLoginOptions({ NATS_USER: 'a.b', NATS_PASSWORD: 'x' })).toThrow(/NATS_USER is invalid/);
  });
});
