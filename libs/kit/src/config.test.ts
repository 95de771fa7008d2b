import { describe, expect, it } from 'vitest';
import { BaseConfig, ConfigError, parseConfig } from './config.js';

describe('parseConfig', () => {
  it('fills defaults from a valid environment', () => {
    const config = parseConfig(BaseConfig, { NATS_URL: 'nats://127.0.0.1:4222' });
    expect(config).toMatchObject({ NATS_URL: 'nats://127.0.0.1:4222', LOG_LEVEL: 'info', NATS_REQUEST_TIMEOUT_MS: 5000 });
  });

  it('names a missing variable in one line', () => {
    expect(() => parseConfig(BaseConfig, {})).toThrow(new ConfigError('config error: NATS_URL is missing'));
  });

  it('names a malformed variable and why', () => {
    expect(() => parseConfig(BaseConfig, { NATS_URL: 'http://x' })).toThrow(/^config error: NATS_URL is invalid \(must be nats:/);
    expect(() => parseConfig(BaseConfig, { NATS_URL: 'nats://x:1', HEALTH_PORT: 'eighty' })).toThrow(/HEALTH_PORT is invalid/);
  });
});
