/**
 * Every change to a call session is one of these Lua scripts, run atomically by Redis: a
 * simultaneous accept, decline, hang-up and ring timeout are serialised, and the first to run
 * decides; the others see its result. Keys of one call: `call:{id}` (hash), `call:{id}:participants`
 * (in the call now), `call:{id}:seats` (each participant's current seat: which of their joins holds the place),
 * `call:{id}:invited` (being rung), `call:{id}:rung-until` (the deadline of each ring started after the call's own: ring
 * again), `call:{id}:joined` (ever joined, for the log);
 * indexes: `chat:{chatId}:call` (the live call of a chat), `user:{userId}:call` (a user's current
 * call), `user:{userId}:rung` (calls ringing for them), `calls:ringing` and `calls:grace` (deadlines, for the sweep), `calls:live`.
 */

// ARGV: id, chatId, chatType, type, initiatorId, createdAtMs, expireAtSec, ringDeadlineMs, members (comma-joined),
// muteAll ('1' or '0', the chat's setting at the start), invited...
// Returns {'existing', id} when the chat already has a live call, else {'created', id}.
export const START = `
local existing = redis.call('GET', 'chat:' .. ARGV[2] .. ':call')
if existing and redis.call('HGET', 'call:' .. existing, 'status') ~= 'ended' then
  return {'existing', existing}
end
local call = 'call:' .. ARGV[1]
redis.call('HSET', call, 'id', ARGV[1], 'chatId', ARGV[2], 'chatType', ARGV[3], 'type', ARGV[4], 'initiatorId', ARGV[5],
  'status', 'ringing', 'createdAt', ARGV[6], 'answeredAt', '', 'endedAt', '', 'endReason', '', 'members', ARGV[9], 'muteAll', ARGV[10])
for i = 11, #ARGV do
  redis.call('SADD', call .. ':invited', ARGV[i])
  redis.call('SADD', 'user:' .. ARGV[i] .. ':rung', ARGV[1])
  redis.call('EXPIREAT', 'user:' .. ARGV[i] .. ':rung', ARGV[7])
end
redis.call('SET', 'chat:' .. ARGV[2] .. ':call', ARGV[1], 'EXAT', ARGV[7])
redis.call('EXPIREAT', call, ARGV[7])
if #ARGV >= 11 then redis.call('EXPIREAT', call .. ':invited', ARGV[7]) end
redis.call('ZADD', 'calls:ringing', ARGV[8], ARGV[1])
redis.call('SADD', 'calls:live', ARGV[1])
return {'created', ARGV[1]}`;

// Shared by the scripts that can end a call: marks it ended once and clears every index.
const END_BODY = `
local function unring(id)
  local call = 'call:' .. id
  for _, user in ipairs(redis.call('SMEMBERS', call .. ':invited')) do redis.call('SREM', 'user:' .. user .. ':rung', id) end
  redis.call('DEL', call .. ':invited', call .. ':rung-until')
end
local function finish(id, reason, now)
  local call = 'call:' .. id
  local status = redis.call('HGET', call, 'status')
  if not status or status == 'ended' then return false end
  redis.call('HSET', call, 'status', 'ended', 'endedAt', now, 'endReason', reason)
  local chatKey = 'chat:' .. redis.call('HGET', call, 'chatId') .. ':call'
  if redis.call('GET', chatKey) == id then redis.call('DEL', chatKey) end
  for _, user in ipairs(redis.call('SMEMBERS', call .. ':participants')) do
    if redis.call('GET', 'user:' .. user .. ':call') == id then redis.call('DEL', 'user:' .. user .. ':call') end
  end
  unring(id)
  redis.call('DEL', call .. ':participants', call .. ':seats')
  redis.call('ZREM', 'calls:ringing', id)
  redis.call('ZREM', 'calls:grace', id)
  redis.call('SREM', 'calls:live', id)
  return true
end
`;

// ARGV: id, userId, nowMs, ttlSeconds, seat. Returns {outcome, previousStatus}; outcome: joined | ended | gone.
// The seat replaces any earlier one of this user: a token from an earlier join no longer holds the place.
export const JOIN = `${END_BODY}
local call = 'call:' .. ARGV[1]
local status = redis.call('HGET', call, 'status')
if not status then return {'gone', ''} end
if status == 'ended' then return {'ended', status} end
-- The call's own keys set the horizon (12 hours from the start, pushed on while the call lasts: KEEP_ALIVE).
local expireAt = math.max(math.floor(tonumber(redis.call('HGET', call, 'createdAt')) / 1000) + tonumber(ARGV[4]),
  math.floor(tonumber(ARGV[3]) / 1000) + redis.call('TTL', call))
if status == 'ringing' and ARGV[2] ~= redis.call('HGET', call, 'initiatorId') then
  redis.call('HSET', call, 'status', 'active', 'answeredAt', ARGV[3])
  if redis.call('HGET', call, 'chatType') == 'personal' then
    redis.call('ZREM', 'calls:ringing', ARGV[1])
    unring(ARGV[1])
  end
end
redis.call('SADD', call .. ':participants', ARGV[2])
redis.call('HSET', call .. ':seats', ARGV[2], ARGV[5])
redis.call('EXPIREAT', call .. ':seats', expireAt)
redis.call('SREM', call .. ':invited', ARGV[2])
redis.call('HDEL', call .. ':rung-until', ARGV[2])
redis.call('SREM', 'user:' .. ARGV[2] .. ':rung', ARGV[1])
redis.call('SADD', call .. ':joined', ARGV[2])
redis.call('ZREM', 'calls:grace', ARGV[1])
redis.call('SET', 'user:' .. ARGV[2] .. ':call', ARGV[1], 'EXAT', expireAt)
redis.call('EXPIREAT', call .. ':participants', expireAt)
redis.call('EXPIREAT', call .. ':joined', expireAt)
return {'joined', status}`;

// ARGV: id, userId, nowMs. A personal call still ringing ends as declined; in a group only the ringing stops.
export const DECLINE = `${END_BODY}
local call = 'call:' .. ARGV[1]
local status = redis.call('HGET', call, 'status')
if not status then return {'gone'} end
if status == 'ended' then return {'already-ended'} end
if redis.call('SREM', call .. ':invited', ARGV[2]) == 0 then return {'not-invited'} end
redis.call('HDEL', call .. ':rung-until', ARGV[2])
redis.call('SREM', 'user:' .. ARGV[2] .. ':rung', ARGV[1])
if redis.call('HGET', call, 'chatType') == 'personal' and status == 'ringing' then
  finish(ARGV[1], 'declined', ARGV[3])
  return {'ended'}
end
return {'declined'}`;

// ARGV: id, userId, nowMs, ringDeadlineMs. Rings someone (again) with a deadline of their own: a group's sweep stops
// only the rings whose time is up, and a personal call still ringing waits for the later deadline before it is missed.
// The person hears about the call from now on even if they joined the chat after it started.
// Returns 'ringing', or why not: 'in-call' | 'ended' | 'gone'.
export const RING = `
local call = 'call:' .. ARGV[1]
local status = redis.call('HGET', call, 'status')
if not status then return 'gone' end
if status == 'ended' then return 'ended' end
if redis.call('SISMEMBER', call .. ':participants', ARGV[2]) == 1 then return 'in-call' end
local expireAt = math.floor(tonumber(ARGV[3]) / 1000) + math.max(redis.call('TTL', call), 60)
redis.call('SADD', call .. ':invited', ARGV[2])
redis.call('HSET', call .. ':rung-until', ARGV[2], ARGV[4])
redis.call('SADD', 'user:' .. ARGV[2] .. ':rung', ARGV[1])
for _, key in ipairs({call .. ':invited', call .. ':rung-until', 'user:' .. ARGV[2] .. ':rung'}) do redis.call('EXPIREAT', key, expireAt) end
local members = redis.call('HGET', call, 'members') or ''
if not string.find(',' .. members .. ',', ',' .. ARGV[2] .. ',', 1, true) then
  redis.call('HSET', call, 'members', members == '' and ARGV[2] or (members .. ',' .. ARGV[2]))
end
-- The sweep comes at the earliest deadline of a group's rings, and at the latest of a personal call's.
if redis.call('HGET', call, 'chatType') == 'personal' then
  redis.call('ZADD', 'calls:ringing', 'GT', ARGV[4], ARGV[1])
else
  redis.call('ZADD', 'calls:ringing', 'LT', ARGV[4], ARGV[1])
end
return 'ringing'`;

// ARGV: id, userId, nowMs, graceDeadlineMs, seat (optional). A personal call ends with either side leaving (hang-up;
// a caller giving up before an answer is a missed call); a group call starts its empty grace period.
// With a seat, only that seat may leave: LiveKit's late word about an older connection is 'stale'.
export const LEAVE = `${END_BODY}
local call = 'call:' .. ARGV[1]
local status = redis.call('HGET', call, 'status')
if not status then return {'gone'} end
if status == 'ended' then return {'already-ended'} end
if ARGV[5] and ARGV[5] ~= '' and redis.call('SISMEMBER', call .. ':participants', ARGV[2]) == 1
  and redis.call('HGET', call .. ':seats', ARGV[2]) ~= ARGV[5] then return {'stale'} end
if redis.call('SREM', call .. ':participants', ARGV[2]) == 0 then return {'not-in-call'} end
redis.call('HDEL', call .. ':seats', ARGV[2])
if redis.call('GET', 'user:' .. ARGV[2] .. ':call') == ARGV[1] then redis.call('DEL', 'user:' .. ARGV[2] .. ':call') end
if redis.call('HGET', call, 'chatType') == 'personal' then
  finish(ARGV[1], status == 'ringing' and 'missed' or 'hangup', ARGV[3])
  return {'ended'}
end
if redis.call('SCARD', call .. ':participants') == 0 then redis.call('ZADD', 'calls:grace', ARGV[4], ARGV[1]) end
return {'left'}`;

// ARGV: id, reason, nowMs. Returns 1 if this call ended it, 0 if it had ended already.
export const END = `${END_BODY}
if finish(ARGV[1], ARGV[2], ARGV[3]) then return 1 end
return 0`;

// ARGV: nowMs. Ends personal calls nobody answered in time (missed); stops ringing in groups, but not a ring
// started later (ring again), whose own deadline comes back into calls:ringing; ends group calls that stayed empty
// through their grace period. Returns the ids it ended and those whose rings it stopped.
export const SWEEP = `${END_BODY}
local ended = {}
local quieted = {}
local now = tonumber(ARGV[1])
for _, id in ipairs(redis.call('ZRANGEBYSCORE', 'calls:ringing', 0, ARGV[1])) do
  local call = 'call:' .. id
  redis.call('ZREM', 'calls:ringing', id)
  if redis.call('HGET', call, 'chatType') == 'personal' then
    if redis.call('HGET', call, 'status') == 'ringing' and finish(id, 'missed', ARGV[1]) then table.insert(ended, id) end
  else
    local later = nil
    local stopped = false
    for _, user in ipairs(redis.call('SMEMBERS', call .. ':invited')) do
      local deadline = tonumber(redis.call('HGET', call .. ':rung-until', user))
      if deadline and deadline > now then
        if not later or deadline < later then later = deadline end
      else
        redis.call('SREM', call .. ':invited', user)
        redis.call('HDEL', call .. ':rung-until', user)
        redis.call('SREM', 'user:' .. user .. ':rung', id)
        stopped = true
      end
    end
    if later then redis.call('ZADD', 'calls:ringing', later, id) end
    if stopped then table.insert(quieted, id) end
  end
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', 'calls:grace', 0, ARGV[1])) do
  redis.call('ZREM', 'calls:grace', id)
  if redis.call('SCARD', 'call:' .. id .. ':participants') == 0 and finish(id, 'empty', ARGV[1]) then table.insert(ended, id) end
end
return {ended, quieted}`;

// ARGV: id, muteAll ('1' or '0'). Remembers the chat's muteAll for its live call; returns 1 only when it was just
// switched on (the moment live microphones are muted), not for every other settings change made while it is on.
export const NOTE_MUTE_ALL = `
local call = 'call:' .. ARGV[1]
local status = redis.call('HGET', call, 'status')
if not status or status == 'ended' then return 0 end
local before = redis.call('HGET', call, 'muteAll')
redis.call('HSET', call, 'muteAll', ARGV[2])
if ARGV[2] == '1' and before ~= '1' then return 1 end
return 0`;

// ARGV: id, nowMs, ttlSeconds. A call still going with less than half its horizon left gets a full one again, on
// every key it has: a call longer than 12 hours keeps its state. Returns 1 if it pushed the horizon on.
export const KEEP_ALIVE = `
local call = 'call:' .. ARGV[1]
local status = redis.call('HGET', call, 'status')
if not status or status == 'ended' then return 0 end
if redis.call('TTL', call) > tonumber(ARGV[3]) / 2 then return 0 end
local expireAt = math.floor(tonumber(ARGV[2]) / 1000) + tonumber(ARGV[3])
for _, suffix in ipairs({'', ':participants', ':invited', ':rung-until', ':joined', ':seats', ':timeline'}) do
  if redis.call('EXISTS', call .. suffix) == 1 then redis.call('EXPIREAT', call .. suffix, expireAt) end
end
local chatKey = 'chat:' .. redis.call('HGET', call, 'chatId') .. ':call'
if redis.call('GET', chatKey) == ARGV[1] then redis.call('EXPIREAT', chatKey, expireAt) end
for _, user in ipairs(redis.call('SMEMBERS', call .. ':participants')) do
  if redis.call('GET', 'user:' .. user .. ':call') == ARGV[1] then redis.call('EXPIREAT', 'user:' .. user .. ':call', expireAt) end
end
return 1`;

// ARGV: id, userId... People who left the chat hear no more of its call: out of who hears about it, and any ring of
// theirs stops, in one step, so a ring again on another replica cannot slip a name back in between a read and a write.
export const DROP_FROM_AUDIENCE = `
local call = 'call:' .. ARGV[1]
local members = redis.call('HGET', call, 'members')
if not members then return 0 end
local drop = {}
for i = 2, #ARGV do
  drop[ARGV[i]] = true
  redis.call('SREM', call .. ':invited', ARGV[i])
  redis.call('HDEL', call .. ':rung-until', ARGV[i])
  redis.call('SREM', 'user:' .. ARGV[i] .. ':rung', ARGV[1])
end
local kept = {}
for id in string.gmatch(members, '[^,]+') do
  if not drop[id] then table.insert(kept, id) end
end
redis.call('HSET', call, 'members', table.concat(kept, ','))
return 1`;
