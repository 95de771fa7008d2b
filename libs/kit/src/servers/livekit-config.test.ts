import { describe, expect, it } from 'vitest';
import { liveKitConfig, turnServersFromEnv } from './livekit-server.js';

describe('LiveKit config', () => {
  const base = { port: 7880, udpPort: 7882, apiKey: 'k', apiSecret: 's'.repeat(32) };

  it('pins media to loopback and never looks up an external address', () => {
    const yaml = liveKitConfig(base);
    expect(yaml).toContain('bind_addresses: ["127.0.0.1"]');
    expect(yaml).toContain('  node_ip: 127.0.0.1');
    expect(yaml).toContain('  use_external_ip: false');
    expect(yaml).toContain('  tcp_port: 0');
    expect(yaml).not.toMatch(/stun/i);
    expect(yaml).not.toContain('turn_servers');
  });

  it('passes TURN servers with static credentials or a shared secret', () => {
    const yaml = liveKitConfig({
      ...base,
      turnServers: turnServersFromEnv({ TURN_SERVER_URL: 'turn:turn.example.test:3478?transport=udp', TURN_SECRET: 'shh' }),
    });
    expect(yaml).toContain(
      '  turn_servers:\n    - host: "turn.example.test"\n      port: 3478\n      protocol: udp\n      secret: "shh"\n      ttl: 86400',
    );
    expect(turnServersFromEnv({ TURN_SERVER_URL: 'turns:t.example.test', TURN_USERNAME: 'u', TURN_PASSWORD: 'p' })).toEqual([
      { host: 't.example.test', port: 5349, protocol: 'tls', username: 'u', credential: 'p' },
    ]);
  });

  it('refuses TURN settings it cannot use, naming the variable', () => {
    expect(turnServersFromEnv({})).toEqual([]);
    expect(() => turnServersFromEnv({ TURN_SERVER_URL: 'http://x' })).toThrow(/TURN_SERVER_URL is invalid/);
    expect(() => turnServersFromEnv({ TURN_SERVER_URL: 'turn:x:3478' })).toThrow(/needs TURN_SECRET/);
  });
});
