import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { portAccepts } from './ports.js';
import { redisPing } from './redis-server.js';
import { startFerretDb, startLiveKit, startNats, startRedis, stopAllManaged } from './index.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'servers-'));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Whether a process runs in a Docker container: its cgroup path names one (cgroup v1 and v2 alike). */
const inContainer = (pid: number) => /docker|containerd/.test(readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
/** TEST_INFRA=containers runs every server in a container through testcontainers; by default they are processes. */
const wantContainers = process.env.TEST_INFRA === 'containers';

/** Every local address a process listens on (TCP and UDP), from `ss`. */
const listeningAddresses = (pid: number): string[] =>
  execFileSync('ss', ['-Htulpn'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(`pid=${pid},`))
    .map((line) => line.trim().split(/\s+/)[4]!);

describe('infrastructure servers on loopback', () => {
  afterAll(stopAllManaged);

  it('starts NATS with JetStream and restarts it on the same port', async () => {
    const nats = await startNats({ dataDir: dataDir() });
    const firstPid = nats.pid();
    expect(inContainer(firstPid)).toBe(wantContainers);
    expect(await portAccepts(nats.port)).toBe(true);
    await nats.restart();
    expect(nats.pid()).not.toBe(firstPid);
    expect(alive(firstPid)).toBe(false);
    expect(await portAccepts(nats.port)).toBe(true);
    await nats.stop();
    expect(alive(nats.pid())).toBe(false);
  });

  it('starts Redis that answers PING, and stops it by PID', async () => {
    const redis = await startRedis({ dataDir: dataDir() });
    expect(inContainer(redis.pid())).toBe(wantContainers);
    expect(await redisPing(redis.port)).toBe(true);
    await redis.stop();
    expect(alive(redis.pid())).toBe(false);
    expect(await redisPing(redis.port)).toBe(false);
  });

  it('starts FerretDB that stores and reads a document', async () => {
    const mongo = await startFerretDb({ dataDir: dataDir() });
    expect(inContainer(mongo.pid())).toBe(wantContainers);
    const { default: mongoose } = await import('mongoose');
    const client = await new mongoose.mongo.MongoClient(mongo.url).connect();
    await client
      .db('t')
      .collection('c')
      .insertOne({ _id: 'a' as never, name: 'Анна' });
    expect(
      await client
        .db('t')
        .collection('c')
        .findOne({ _id: 'a' as never }),
    ).toMatchObject({ name: 'Анна' });
    await client.close();
    await mongo.stop();
    expect(alive(mongo.pid())).toBe(false);
  });

  it('starts LiveKit listening on 127.0.0.1 only', async () => {
    const livekit = await startLiveKit({ dataDir: dataDir() });
    expect(livekit.apiSecret.length).toBeGreaterThanOrEqual(32);
    expect(inContainer(livekit.pid())).toBe(wantContainers);
    const addresses = listeningAddresses(livekit.pid());
    expect(addresses).toEqual(expect.arrayContaining([`127.0.0.1:${livekit.port}`, `127.0.0.1:${livekit.rtcUdpPort}`]));
    for (const address of addresses) expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    await livekit.stop();
    expect(alive(livekit.pid())).toBe(false);
  });
});
