import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Call, EndReason } from '@messenger/contracts';
import { DECLINE, DROP_FROM_AUDIENCE, END, JOIN, KEEP_ALIVE, LEAVE, NOTE_MUTE_ALL, RING, START, SWEEP } from './call-scripts.js';

export const SESSION_TTL_SECONDS = 12 * 3600;

export interface NewCall {
  id: string;
  chatId: string;
  chatType: Call['chatType'];
  type: Call['type'];
  initiatorId: string;
  /** The chat's members when the call started: who hears about it. */
  members: string[];
  invited: string[];
  ringDeadlineMs: number;
  /** The chat's muteAll when the call started, so that only switching it on later mutes live microphones. */
  muteAll?: boolean;
}

const iso = (ms: string | undefined) => (ms ? new Date(Number(ms)).toISOString() : null);

/**
 * Call sessions in Redis: every key expires 12 hours after the call starts, or after the last keep-alive of a
 * call still going (the reconciler's), so an abandoned session cannot stay for ever and a long call keeps its state.
 */
export class CallSessionRepository {
  constructor(private readonly redis: Redis) {}

  async start(call: NewCall, now = Date.now()): Promise<{ created: boolean; id: string }> {
    const expireAt = Math.floor(now / 1000) + SESSION_TTL_SECONDS;
    const [outcome, id] = (await this.redis.eval(
      START,
      0,
      call.id,
      call.chatId,
      call.chatType,
      call.type,
      call.initiatorId,
      String(now),
      String(expireAt),
      String(call.ringDeadlineMs),
      call.members.join(','),
      call.muteAll ? '1' : '0',
      ...call.invited,
    )) as [string, string];
    return { created: outcome === 'created', id };
  }

  /**
   * Takes a place in the call under a new seat, which the media token carries: only a connection with the
   * user's current seat belongs in the room (an older token, or one from before a removal, does not).
   */
  async join(
    callId: string,
    userId: string,
    now = Date.now(),
  ): Promise<{ outcome: 'joined' | 'ended' | 'gone'; previous: string; seat: string }> {
    const seat = randomBytes(9).toString('base64url');
    const [outcome, previous] = (await this.redis.eval(JOIN, 0, callId, userId, String(now), String(SESSION_TTL_SECONDS), seat)) as [
      string,
      string,
    ];
    return { outcome: outcome as 'joined' | 'ended' | 'gone', previous, seat };
  }

  /** The seat of a participant now in the call, or null for anyone who is not in it. */
  async seatOf(callId: string, userId: string): Promise<string | null> {
    return this.redis.hget(`call:${callId}:seats`, userId);
  }

  /** `ended`: this decline ended the call (and must be announced); `already-ended`: it was over before. */
  async decline(
    callId: string,
    userId: string,
    now = Date.now(),
  ): Promise<'ended' | 'already-ended' | 'declined' | 'not-invited' | 'gone'> {
    return ((await this.redis.eval(DECLINE, 0, callId, userId, String(now))) as string[])[0] as
      'ended' | 'already-ended' | 'declined' | 'not-invited' | 'gone';
  }

  /**
   * Rings someone who is not in the call until `deadlineMs`, whatever the call's own ring deadline was: the sweep
   * stops each ring at its own time. `in-call`: they are in it already; `ended` / `gone`: there is no call to ring for.
   */
  async ring(callId: string, userId: string, deadlineMs: number, now = Date.now()): Promise<'ringing' | 'in-call' | 'ended' | 'gone'> {
    return (await this.redis.eval(RING, 0, callId, userId, String(now), String(deadlineMs))) as 'ringing' | 'in-call' | 'ended' | 'gone';
  }

  /**
   * `ended`: this leave ended the call (and must be announced); `already-ended`: it was over before (a hang-up
   * followed by LiveKit's participant_left, say), so nothing is announced twice. With a `seat`, only that seat
   * leaves: `stale` means the user has joined again since, and stays.
   */
  async leave(
    callId: string,
    userId: string,
    graceMs: number,
    { now = Date.now(), seat = '' }: { now?: number; seat?: string } = {},
  ): Promise<'ended' | 'already-ended' | 'left' | 'not-in-call' | 'gone' | 'stale'> {
    return ((await this.redis.eval(LEAVE, 0, callId, userId, String(now), String(now + graceMs), seat)) as string[])[0] as
      'ended' | 'already-ended' | 'left' | 'not-in-call' | 'gone' | 'stale';
  }

  /** Notes the chat's muteAll for its live call; true only when this switched it on. */
  async noteMuteAll(callId: string, muteAll: boolean): Promise<boolean> {
    return (await this.redis.eval(NOTE_MUTE_ALL, 0, callId, muteAll ? '1' : '0')) === 1;
  }

  /** True if this call ended it; false if it had ended already. */
  async end(callId: string, reason: EndReason, now = Date.now()): Promise<boolean> {
    return (await this.redis.eval(END, 0, callId, reason, String(now))) === 1;
  }

  /**
   * Applies the deadlines: unanswered personal calls end as missed, empty group calls end after their
   * grace, and in group calls the rings whose time is up stop (`quieted`: the rung must be told).
   */
  async sweep(now = Date.now()): Promise<{ ended: string[]; quieted: string[] }> {
    const [ended, quieted] = (await this.redis.eval(SWEEP, 0, String(now))) as [string[], string[]];
    return { ended, quieted };
  }

  async get(callId: string): Promise<Call | null> {
    const [fields, participants, invited] = (await this.redis
      .multi()
      .hgetall(`call:${callId}`)
      .smembers(`call:${callId}:participants`)
      .smembers(`call:${callId}:invited`)
      .exec())!.map(([, value]) => value) as [Record<string, string>, string[], string[]];
    if (!fields.id) return null;
    return {
      id: fields.id,
      chatId: fields.chatId!,
      chatType: fields.chatType as Call['chatType'],
      type: fields.type as Call['type'],
      status: fields.status as Call['status'],
      initiatorId: fields.initiatorId!,
      participants: participants.sort(),
      invited: invited.sort(),
      createdAt: iso(fields.createdAt)!,
      answeredAt: iso(fields.answeredAt),
      endedAt: iso(fields.endedAt),
      endReason: (fields.endReason || null) as Call['endReason'],
    };
  }

  /** Appends to the call's timeline (who joined and left when), kept as long as the call's keys. */
  async note(callId: string, kind: 'join' | 'leave', userId: string, at = Date.now()): Promise<void> {
    const key = `call:${callId}:timeline`;
    const ttl = await this.redis.ttl(`call:${callId}`);
    await this.redis.multi().rpush(key, `${kind}:${userId}:${at}`).expire(key, Math.max(ttl, 60)).exec();
  }

  async timeline(callId: string): Promise<{ kind: 'join' | 'leave'; userId: string; at: number }[]> {
    return (await this.redis.lrange(`call:${callId}:timeline`, 0, -1)).map((entry) => {
      const [kind, userId, at] = entry.split(':');
      return { kind: kind as 'join' | 'leave', userId: userId!, at: Number(at) };
    });
  }

  /** Someone who left the chat hears nothing more about its call, and is no longer rung for it. */
  async dropFromAudience(callId: string, userIds: string[]): Promise<void> {
    if (userIds.length) await this.redis.eval(DROP_FROM_AUDIENCE, 0, callId, ...userIds);
  }

  /** Everyone who should hear about the call: the chat's members when it started. */
  async audience(callId: string): Promise<string[]> {
    return ((await this.redis.hget(`call:${callId}`, 'members')) ?? '').split(',').filter(Boolean);
  }

  async everJoined(callId: string): Promise<string[]> {
    return this.redis.smembers(`call:${callId}:joined`);
  }

  liveCallOfChat(chatId: string): Promise<string | null> {
    return this.redis.get(`chat:${chatId}:call`);
  }

  currentCallOf(userId: string): Promise<string | null> {
    return this.redis.get(`user:${userId}:call`);
  }

  liveCallCount(): Promise<number> {
    return this.redis.scard('calls:live');
  }

  liveCallIds(): Promise<string[]> {
    return this.redis.smembers('calls:live');
  }

  /** Pushes a call's horizon on while it lasts (see KEEP_ALIVE); true if it did. */
  async keepAlive(callId: string, now = Date.now()): Promise<boolean> {
    return (await this.redis.eval(KEEP_ALIVE, 0, callId, String(now), String(SESSION_TTL_SECONDS))) === 1;
  }

  /** A live call whose keys expired (a call older than their 12 hours) leaves the live set. */
  async forgetLive(callId: string): Promise<void> {
    await this.redis.srem('calls:live', callId);
  }

  /** The calls a user is in or being rung for, from their own index: never a walk over every live call. */
  async callIdsOf(userId: string): Promise<string[]> {
    const [[, current], [, rung]] = (await this.redis.multi().get(`user:${userId}:call`).smembers(`user:${userId}:rung`).exec()) as [
      [null, string | null],
      [null, string[]],
    ];
    return [...new Set([...(current ? [current] : []), ...rung])];
  }

  /**
   * Counts starts per user across replicas in a minute that begins with their first start (not on the clock's
   * minute, which let four quick starts straddle two minutes); returns seconds to wait, or 0 if allowed.
   */
  async throttleStart(userId: string, perMinute: number): Promise<number> {
    const key = `calls:starts:${userId}`;
    const [, [, count], [, ttl]] = (await this.redis.multi().set(key, '0', 'EX', 60, 'NX').incr(key).ttl(key).exec()) as [
      unknown,
      [null, number],
      [null, number],
    ];
    return count > perMinute ? Math.max(1, ttl) : 0;
  }

  async ttlOf(key: string): Promise<number> {
    return this.redis.ttl(key);
  }
}
