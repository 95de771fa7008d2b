import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@messenger/kit/stack';
import { ApiClient, startOtlpReceiver, TestSocket, startTestStack, type ReceivedSpan } from '@messenger/kit/testing';

/**
 * One trace per user action, end to end: the browser's traceparent, the gateway, NATS (request/reply
 * and the pushes), every service involved and their stores, as the services really export them.
 */
describe('traces: a message and a call, each one trace across gateway, services and stores', () => {
  let stack: Stack;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let ann: ApiClient;
  let bob: ApiClient;
  let bobSocket: TestSocket;
  let chatId: string;

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    stack = await startTestStack('traces', { withLiveKit: true, env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint } });
    ann = new ApiClient(stack.gatewayUrl());
    bob = new ApiClient(stack.gatewayUrl());
    const suffix = randomBytes(3).toString('hex');
    await ann.register(`ann_${suffix}`, 'Ann');
    const bobUser = await bob.register(`bob_${suffix}`, 'Bob');
    bobSocket = await TestSocket.open(`${stack.gatewayUrl().replace('http', 'ws')}/ws?access_token=${bob.accessToken}`);
    await bobSocket.next((frame) => frame.type === 'ready');
    const chat = await ann.call<{ id: string }>('POST', '/api/chats/personal', { userId: bobUser.id });
    expect(chat.status).toBeLessThan(300);
    chatId = chat.body.id;
  });

  afterAll(async () => {
    await bobSocket?.close();
    await stack?.stop();
    await otlp?.close();
  });

  /** What a browser sends: a fresh trace whose root span is its own request. */
  const browserTrace = () => {
    const traceId = randomBytes(16).toString('hex');
    const browserSpanId = randomBytes(8).toString('hex');
    return { traceId, browserSpanId, traceparent: `00-${traceId}-${browserSpanId}-01` };
  };

  /** Spans whose parent is not (yet) among the trace's spans: a whole trace has none. */
  const orphans = (spans: ReceivedSpan[], browserSpanId: string) => {
    const ids = new Set([browserSpanId, ...spans.map((s) => s.spanId)]);
    return spans.filter((s) => !ids.has(s.parentSpanId)).map((s) => `${s.service}: ${s.name}`);
  };

  /**
   * Waits until the trace holds every span named and every span's parent (spans are exported in batches, every
   * 200 ms, and a parent ends, so is exported, after its children).
   */
  const collect = async (traceId: string, browserSpanId: string, wanted: [service: string, name: string | RegExp][]) => {
    const spans = () => otlp.spans.filter((span) => span.traceId === traceId);
    const has = ([service, name]: [string, string | RegExp]) =>
      spans().some((s) => s.service === service && (typeof name === 'string' ? s.name === name : name.test(s.name)));
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !(wanted.every(has) && orphans(spans(), browserSpanId).length === 0))
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(wanted.filter((w) => !has(w)).map(([service, name]) => `${service}: ${String(name)}`)).toEqual([]);
    return spans();
  };

  /** Every span hangs off another span of the same trace, up to the browser's: one tree, no orphans. */
  const expectOneTree = (spans: ReceivedSpan[], browserSpanId: string) => expect(orphans(spans, browserSpanId)).toEqual([]);

  const parentOf = (spans: ReceivedSpan[], span: ReceivedSpan | undefined) => spans.find((s) => s.spanId === span?.parentSpanId);

  it('sending a message: gateway → groups → one MongoDB insert → the push delivered on the recipient’s gateway', async () => {
    const { traceId, browserSpanId, traceparent } = browserTrace();
    const sent = await ann.call('POST', `/api/chats/${chatId}/messages`, { text: 'traced hello' }, { traceparent });
    expect(sent.status).toBe(201);
    await bobSocket.next((frame) => frame.type === 'message.created');
    const spans = await collect(traceId, browserSpanId, [
      ['gateway', 'HTTP POST /api/chats/:chatId/messages'],
      ['gateway', 'request groups.messages.send'],
      ['groups', 'groups.messages.send'],
      ['groups', 'mongodb insert messages'],
      ['groups', /^redis (evalsha|eval)$/],
      ['gateway', 'push.deliver'],
    ]);
    expectOneTree(spans, browserSpanId);
    const http = spans.find((s) => s.name === 'HTTP POST /api/chats/:chatId/messages');
    expect(http?.parentSpanId).toBe(browserSpanId);
    const handled = spans.find((s) => s.name === 'groups.messages.send');
    expect(parentOf(spans, parentOf(spans, handled))?.spanId).toBe(http?.spanId);
    // The store takes one command per message, the insert; everything else the send needs is in memory or Redis.
    expect(spans.filter((s) => s.service === 'groups' && s.name.startsWith('mongodb ')).map((s) => s.name)).toEqual([
      'mongodb insert messages',
    ]);
    expect(spans.find((s) => s.name === 'mongodb insert messages')?.parentSpanId).toBe(handled?.spanId);
  });

  it('starting a call: gateway → calls → Redis, and → groups (membership, from its cache), and the ring pushed', async () => {
    const { traceId, browserSpanId, traceparent } = browserTrace();
    const started = await ann.call('POST', '/api/calls', { chatId, type: 'audio' }, { traceparent });
    expect(started.status).toBe(201);
    await bobSocket.next((frame) => frame.type === 'call.incoming');
    const spans = await collect(traceId, browserSpanId, [
      ['gateway', 'HTTP POST /api/calls'],
      ['calls', 'calls.calls.start'],
      ['calls', 'request groups.members.membership'],
      ['groups', 'groups.members.membership'],
      ['groups', /^redis get$/],
      ['calls', /^redis (evalsha|eval)$/],
      ['calls', /^redis \w+$/],
      ['gateway', 'push.deliver'],
    ]);
    expectOneTree(spans, browserSpanId);
    const start = spans.find((s) => s.name === 'calls.calls.start');
    const membership = spans.find((s) => s.name === 'groups.members.membership');
    expect(parentOf(spans, membership)?.name).toBe('request groups.members.membership');
    expect(parentOf(spans, parentOf(spans, membership))?.spanId).toBe(start?.spanId);
    // Who may call is answered from the groups replica's cache, checked against Redis: no store command.
    expect(spans.filter((s) => s.parentSpanId === membership?.spanId).map((s) => s.name)).toEqual(['redis get']);
  });

  it('serves Prometheus metrics on each process’s probe port, counting what just happened', async () => {
    const gatewayMetrics = await (await fetch(`http://127.0.0.1:${stack.gateways[0]!.healthPort}/metrics`)).text();
    expect(gatewayMetrics).toMatch(/messenger_gateway_ws_connections\{gateway="[^"]+"\} 1\b/);
    expect(gatewayMetrics).toMatch(/messenger_gateway_pushes_total [1-9]/);
    expect(gatewayMetrics).toMatch(/messenger_nats_request_duration_seconds_count\{[^}]*subject="groups.messages.send"[^}]*\} 1\b/);
    const groupsMetrics = await (await fetch(`http://127.0.0.1:${stack.services.groups[0]!.healthPort}/metrics`)).text();
    expect(groupsMetrics).toMatch(/messenger_messages_sent_total\{chat_type="personal"\} 1\b/);
    const callsMetrics = await (await fetch(`http://127.0.0.1:${stack.services.calls[0]!.healthPort}/metrics`)).text();
    expect(callsMetrics).toMatch(/messenger_calls_live 1\b/);
  });
});
