import { randomBytes, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@messenger/kit/servers';
import { ApiClient, chatHistory, repoRoot, TestSocket, type Frame, type HistoryMessage } from '@messenger/kit/testing';
import { launchBrowser, snapshot } from '../../e2e/browser.js';
import { activeCalls, openPersonalChat, startCall, userIdOf, waitForFlowingVideo, waitForFrames } from '../../e2e/call-steps.js';
import { register } from '../../e2e/people.js';
import { ComposeStack, dockerAvailable } from './compose-stack.js';

// docker-compose.yml as an operator runs it: images built from the repo, secrets from an env file and key files,
// two gateways behind nginx, FerretDB, Redis, NATS and LiveKit in containers. Everything goes through nginx's
// published port, as a browser's requests would.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const person = async (stack: ComposeStack, name: string) => {
  const api = new ApiClient(stack.url);
  const user = await api.register(`${name.toLowerCase()}_${randomBytes(3).toString('hex')}`, name);
  return { api, id: user.id };
};

const openSocket = (stack: ComposeStack, api: ApiClient) =>
  TestSocket.open(`${stack.url.replace('http', 'ws')}/ws?access_token=${api.accessToken!}`);

// Skipped only where no Docker engine answers (`npm run bootstrap:containers` installs and starts one; CI runs it).
describe.skipIf(!dockerAvailable())('docker-compose.yml: the whole product in containers', () => {
  let stack: ComposeStack;

  beforeAll(async () => {
    stack = new ComposeStack(repoRoot(), 'messenger-compose-test', await freePort());
    await stack.up();
  }, 1_800_000);
  afterAll(async () => {
    await stack?.down();
  }, 300_000);

  it('comes up healthy: two gateways behind nginx, every image non-root on a read-only root filesystem', async () => {
    expect(await stack.containers('gateway')).toHaveLength(2);
    for (const service of ['users', 'groups', 'calls', 'gateway']) {
      for (const id of await stack.containers(service)) {
        expect(await stack.health(id), service).toBe('healthy');
        const [user, readOnly] = (await stack.docker(['inspect', '-f', '{{ .Config.User }} {{ .HostConfig.ReadonlyRootfs }}', id]))
          .trim()
          .split(' ');
        expect(user, service).toBe('node');
        expect(readOnly, service).toBe('true');
      }
    }
    const page = await fetch(stack.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<app-root');
    expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
  });

  it('serves the web client through nginx; video calls land on both LiveKit nodes, and a call outlives the death of its node', async () => {
    const browser = await launchBrowser();
    try {
      // A first visit lands on the sign-in screen, served by a gateway through nginx.
      const visitor = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })).newPage();
      await visitor.goto(`${stack.url}/`);
      await visitor.waitForURL(`${stack.url}/sign-in`);
      await visitor.waitForSelector('a[href="/register"]');
      await snapshot(visitor, 'compose-00-sign-in-en-1280');
      const a = await register(browser, stack.url, 'en', { width: 1280, height: 800 }, 'Alice Compose');
      const b = await register(browser, stack.url, 'ru', { width: 360, height: 740 }, 'Борис Compose');
      await snapshot(a.page, 'compose-01-app-en-1280');
      await snapshot(b.page, 'compose-02-app-ru-360');
      const [aId, bId] = [await userIdOf(a), await userIdOf(b)];
      await openPersonalChat(a, b);
      await b.page.waitForSelector('[data-test=chat-row]');
      await b.page.click('[data-test=chat-row]');
      const [first, second] = [await stack.liveKitNodeId('livekit'), await stack.liveKitNodeId('livekit-2')];
      expect(first).toMatch(/^ND_/);
      expect(second).toMatch(/^ND_/);

      /** A video call from A, accepted by B, with video decoded both ways; returns the node its room is on. */
      const videoCall = async (): Promise<string> => {
        await startCall(a, 'video');
        await b.page.waitForSelector('[data-test=incoming-call][data-ringing=true]', { timeout: 15_000 });
        await b.page.click('[data-test=accept-video]');
        await b.page.waitForSelector('[data-test=call-window]');
        // Media goes browser → LiveKit's published UDP port on 127.0.0.1 → the container, and back.
        const onB = await waitForFrames(b.page, aId);
        const onA = await waitForFrames(a.page, bId);
        expect(await waitForFrames(b.page, aId, onB)).toBeGreaterThan(onB);
        expect(await waitForFrames(a.page, bId, onA)).toBeGreaterThan(onA);
        const [call] = (await activeCalls(a)).items;
        return stack.liveKitNodeOf(call!.id);
      };
      const hangUp = async () => {
        await a.page.click('[data-test=leave-call]');
        await b.page.waitForSelector('[data-test=call-window]', { state: 'detached', timeout: 15_000 });
        await a.page.waitForSelector('[data-test=call-window]', { state: 'detached', timeout: 15_000 });
      };

      // LiveKit places each room on a node at random: call until each node has carried one, and the call going on
      // is on the second.
      const carried = new Set<string>();
      for (let attempt = 0; ; attempt++) {
        if (attempt >= 12) throw new Error(`12 calls landed on ${[...carried].join(', ')}, never first, then second`);
        const node = await videoCall();
        carried.add(node);
        if (attempt === 0) {
          await snapshot(a.page, 'compose-03-call-en-1280');
          await snapshot(b.page, 'compose-04-call-ru-360');
        }
        if (node === second && carried.has(first)) break;
        await hangUp();
      }
      expect([...carried].sort()).toEqual([first, second].sort());

      // The second node dies mid-call. The call goes on: LiveKit starts the room again on the first node, both
      // browsers reconnect to it by themselves, and video flows both ways again; the server still has the call.
      const [call] = (await activeCalls(a)).items;
      const [victim] = await stack.containers('livekit-2');
      await stack.docker(['kill', victim!]);
      const killed = Date.now();
      await expect.poll(() => stack.liveKitNodeOf(call!.id), { timeout: 60_000, interval: 500 }).toBe(first);
      try {
        await waitForFlowingVideo(b.page, aId, 75_000);
        await waitForFlowingVideo(a.page, bId, 15_000);
      } catch (error) {
        // What the cluster thought, for whoever reads a failed run: where the room is, and the surviving node's last words.
        const [survivor] = await stack.containers('livekit');
        const logs = (await stack.docker(['logs', '--tail', '40', survivor!]).catch(() => '')).slice(-6000);
        throw new Error(
          `${(error as Error).message}; room on ${await stack.liveKitNodeOf(call!.id)} (first ${first}, second ${second})\n${logs}`,
        );
      }
      console.log(`[compose] the call's LiveKit node killed: video flowed again both ways after ${Date.now() - killed} ms`);
      expect((await activeCalls(a)).items.map((c) => c.id)).toEqual([call!.id]);
      await hangUp();
      await stack.compose(['up', '-d', '--no-recreate']);
      await stack.waitHealthy();
      expect(a.errors).toEqual([]);
      expect(b.errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 600_000);

  it('signs up, refreshes through the proxy with the cookie, and talks live over WebSockets through nginx', async () => {
    const anna = await person(stack, 'Anna');
    const boris = await person(stack, 'Boris');
    // The refresh cookie crosses nginx both ways (path /api/auth, HttpOnly).
    expect(anna.api.refreshCookie).toBeTruthy();
    const refreshed = await anna.api.call<{ accessToken: string }>('POST', '/api/auth/refresh');
    expect(refreshed.status).toBe(200);
    anna.api.accessToken = refreshed.body.accessToken;

    const chat = await anna.api.call<{ id: string }>('POST', '/api/chats', { type: 'group', name: 'Compose', memberIds: [boris.id] });
    expect(chat.status).toBe(201);
    const socket = await openSocket(stack, boris.api);
    try {
      const clientId = randomUUID();
      const sent = await anna.api.call<HistoryMessage>('POST', `/api/chats/${chat.body.id}/messages`, { text: 'через nginx', clientId });
      expect(sent.status).toBe(201);
      const frame = await socket.next(
        (f: Frame) => f.type === 'message.created' && (f.data as HistoryMessage).clientId === clientId,
        10_000,
      );
      expect((frame.data as HistoryMessage).text).toBe('через nginx');
    } finally {
      await socket.close();
    }
  });

  it('starts a call whose token the compose LiveKit accepts', async () => {
    const anna = await person(stack, 'Anna');
    const boris = await person(stack, 'Boris');
    const chat = await anna.api.call<{ id: string }>('POST', '/api/chats', { type: 'group', name: 'Call', memberIds: [boris.id] });
    const started = await anna.api.call<{ call: { id: string }; join: { url: string; token: string } }>('POST', '/api/calls', {
      chatId: chat.body.id,
      type: 'audio',
    });
    expect(started.status).toBe(201);
    // What a browser is told to connect to: LiveKit's published port on this machine.
    expect(started.body.join.url).toBe('ws://localhost:7880');
    const validate = await fetch(`http://127.0.0.1:7880/rtc/validate?access_token=${started.body.join.token}`);
    expect(validate.status).toBe(200);
    expect((await anna.api.call('POST', `/api/calls/${started.body.call.id}/end`)).status).toBe(200);
  });

  it('takes a 2 MB avatar through nginx and NATS', async () => {
    const anna = await person(stack, 'Anna');
    // Noise does not compress: the PNG stays about as large as its pixels.
    const pixels = randomBytes(840 * 840 * 3);
    const png = await sharp(pixels, { raw: { width: 840, height: 840, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(png.length).toBeGreaterThan(2_000_000);
    const upload = await anna.api.call<{ avatarUrl: string | null }>('PUT', '/api/users/me/avatar', png, { 'content-type': 'image/png' });
    expect(upload.status).toBe(200);
    expect(upload.body.avatarUrl).toBeTruthy();
    expect((await fetch(`${stack.url}${upload.body.avatarUrl!}`)).status).toBe(200);
  });

  /**
   * Sends `count` messages as a client does (each retried with its clientId until answered), calling `fault` before
   * message 10 and `heal` 5 s later, while the sends keep retrying. Returns the longest wait for one message.
   */
  const stream = async (fault: () => Promise<void>, heal: () => Promise<void>, count = 40) => {
    const anna = await person(stack, 'Anna');
    const boris = await person(stack, 'Boris');
    const chatId = (await anna.api.call<{ id: string }>('POST', '/api/chats', { type: 'group', name: 'Faults', memberIds: [boris.id] }))
      .body.id;
    const clientIds = Array.from({ length: count }, () => randomUUID());
    let longest = 0;
    let healed: Promise<void> | undefined;
    for (const [i, clientId] of clientIds.entries()) {
      if (i === 10) {
        await fault();
        healed = sleep(5_000).then(heal);
      }
      const started = Date.now();
      for (let attempt = 0; ; attempt++) {
        const result = await anna.api
          .call('POST', `/api/chats/${chatId}/messages`, { text: `m${i}`, clientId })
          .catch(() => ({ status: 0 }));
        if (result.status === 201 || result.status === 200) break;
        if (Date.now() - started > 120_000) throw new Error(`message ${i} was not accepted within 120 s (last status ${result.status})`);
        await sleep(250);
      }
      longest = Math.max(longest, Date.now() - started);
    }
    await healed;
    // Stored once each, in the order sent. A number may be burned by a replica killed between taking it and the
    // insert (docs/websocket.md, "Message order and gaps"), so the sequence rises but need not be contiguous.
    const stored = await chatHistory<HistoryMessage>(boris.api, chatId);
    expect(stored.filter((m) => m.clientId !== null).map((m) => m.clientId)).toEqual(clientIds);
    const seqs = stored.map((m) => m.seq);
    expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!)).toBe(true);
    // And live again: a member's socket through nginx hears the next one.
    const socket = await openSocket(stack, boris.api);
    try {
      const clientId = randomUUID();
      expect((await anna.api.call('POST', `/api/chats/${chatId}/messages`, { text: 'after', clientId })).status).toBe(201);
      await socket.next((f: Frame) => f.type === 'message.created' && (f.data as HistoryMessage).clientId === clientId, 15_000);
    } finally {
      await socket.close();
    }
    await stack.waitHealthy();
    return longest;
  };

  // `docker kill` is an operator's (or an orchestrator's) stop: no restart policy brings the container back, so the
  // heal is `up -d`, as a supervisor would. A process crash inside the container is restarted by the policy.
  it.each(['gateway', 'groups', 'nats'] as const)(
    'loses and duplicates no message when %s is killed during a stream and started again',
    async (service) => {
      const [victim] = await stack.containers(service);
      const longest = await stream(
        () => stack.docker(['kill', victim!]).then(() => undefined),
        () => stack.compose(['up', '-d', '--no-recreate']).then(() => undefined),
      );
      console.log(`[compose] ${service} killed: the longest wait for one accepted send was ${longest} ms`);
      expect(await stack.containers('gateway')).toHaveLength(2);
    },
    300_000,
  );

  it('heals without a hand when the groups replica is cut off the network and connected again', async () => {
    const [victim] = await stack.containers('groups');
    const network = `${stack.project}_backend`;
    const longest = await stream(
      () => stack.docker(['network', 'disconnect', network, victim!]).then(() => undefined),
      () => stack.docker(['network', 'connect', '--alias', 'groups', network, victim!]).then(() => undefined),
    );
    console.log(`[compose] groups partitioned: the longest wait for one accepted send was ${longest} ms`);
  }, 300_000);
  // Last: it leaves this machine's address throttled for sign-in.
  it('counts sign-in failures by the address nginx saw, whatever X-Forwarded-For the client sends', async () => {
    // Each attempt names another user and claims another address. Had nginx passed the client's header on, every
    // attempt would look like a new address and none would be throttled; nginx overwrites it, so they add up.
    const statuses: number[] = [];
    for (let i = 0; i < 40 && !statuses.includes(429); i++) {
      const response = await fetch(`${stack.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i + 1}` },
        body: JSON.stringify({ username: `nobody_${randomBytes(4).toString('hex')}`, password: 'wrong password here' }),
      });
      statuses.push(response.status);
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
  });
});
