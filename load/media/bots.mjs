// One bot process of the media scenario (forked by run.mjs, pinned to the load core): it joins its share
// of participants to LiveKit with @livekit/rtc-node, publishes generated audio (a tone) or video (moving
// noise, so the encoder spends its bitrate), and answers the parent's requests for receive statistics.
//
// Parent → child: { type: 'start', url, bots: [{ identity, token, publish: 'audio' | 'video' | null, subscribe }], video }
//                 { type: 'stats' }, { type: 'subscribe', on }, { type: 'stop' }
// Child → parent: { type: 'ready', connected, failed, errors }, { type: 'stats', rooms }, { type: 'subscribed' }, { type: 'stopped' }
import {
  AudioFrame,
  AudioSource,
  dispose,
  LocalAudioTrack,
  LocalVideoTrack,
  Room,
  RoomEvent,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoCodec,
  VideoFrame,
  VideoSource,
} from '@livekit/rtc-node';

const SAMPLE_RATE = 48_000;
const AUDIO_CHUNK_MS = 100;

/** @type {{ identity: string, room: Room, subscribe: boolean, stop?: () => void, subscribed: number }[]} */
const bots = [];
let running = true;

const send = (message) => process.send?.(message);

const toneFrame = (() => {
  const samples = (SAMPLE_RATE * AUDIO_CHUNK_MS) / 1000;
  const data = new Int16Array(samples);
  // 400 Hz fits a 100 ms chunk exactly (40 periods), so chunks join without a click.
  for (let i = 0; i < samples; i++) data[i] = Math.round(Math.sin((2 * Math.PI * 400 * i) / SAMPLE_RATE) * 12_000);
  return new AudioFrame(data, SAMPLE_RATE, 1, samples);
})();

/** I420 frames of shifting noise, built once and cycled: every frame differs, like a camera's. */
const videoFrames = (width, height, count) => {
  const ySize = width * height;
  const cSize = (width / 2) * (height / 2);
  const noise = new Uint8Array(ySize * 2);
  let seed = 12345;
  for (let i = 0; i < noise.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    noise[i] = 16 + (seed % 220);
  }
  const frames = [];
  for (let f = 0; f < count; f++) {
    const data = new Uint8Array(ySize + 2 * cSize);
    data.set(noise.subarray(f * 997, f * 997 + ySize), 0);
    data.fill(128 + ((f * 7) % 40), ySize, ySize + cSize);
    data.fill(128 - ((f * 5) % 40), ySize + cSize);
    frames.push(new VideoFrame(data, width, height, VideoBufferType.I420));
  }
  return frames;
};

const publishAudio = async (room) => {
  const source = new AudioSource(SAMPLE_RATE, 1, 400);
  const track = LocalAudioTrack.createAudioTrack('microphone', source);
  await room.localParticipant.publishTrack(
    track,
    new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE, dtx: false, red: false }),
  );
  let on = true;
  void (async () => {
    while (on && running) await source.captureFrame(toneFrame).catch(() => (on = false));
  })();
  return () => (on = false);
};

const publishVideo = async (room, video, frames) => {
  const source = new VideoSource(video.width, video.height);
  const track = LocalVideoTrack.createVideoTrack('camera', source);
  await room.localParticipant.publishTrack(
    track,
    new TrackPublishOptions({
      source: TrackSource.SOURCE_CAMERA,
      simulcast: false,
      videoCodec: VideoCodec.VP8,
      videoEncoding: { maxBitrate: BigInt(video.bitrate), maxFramerate: video.fps },
    }),
  );
  let n = 0;
  const timer = setInterval(() => {
    const at = BigInt(Math.round(performance.now() * 1000));
    source.captureFrame(frames[n++ % frames.length], at);
  }, 1000 / video.fps);
  return () => clearInterval(timer);
};

const join = async (url, spec, video, frames) => {
  const room = new Room();
  const bot = { identity: spec.identity, room, subscribe: spec.subscribe, subscribed: 0 };
  room.on(RoomEvent.TrackSubscribed, () => bot.subscribed++);
  room.on(RoomEvent.TrackUnsubscribed, () => bot.subscribed--);
  await room.connect(url, spec.token, { autoSubscribe: spec.subscribe, dynacast: false });
  if (spec.publish === 'audio') bot.stop = await publishAudio(room);
  if (spec.publish === 'video') bot.stop = await publishVideo(room, video, frames);
  bots.push(bot);
};

const start = async ({ url, bots: specs, video, concurrency = 4 }) => {
  const frames = specs.some((s) => s.publish === 'video') ? videoFrames(video.width, video.height, 30) : [];
  const errors = [];
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const spec = specs[next++];
      try {
        await join(url, spec, video, frames);
      } catch (error) {
        errors.push(`${spec.identity}: ${error?.message ?? error}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  send({ type: 'ready', connected: bots.length, failed: errors.length, errors: errors.slice(0, 5) });
};

/** What each subscribing bot has received so far, summed over its inbound streams by kind. */
const stats = async () => {
  const rooms = await Promise.all(
    bots
      .filter((b) => b.subscribe)
      .map(async (bot) => {
        const sum = { at: 0, subscribed: bot.subscribed, audio: null, video: null };
        try {
          const result = await Promise.race([
            bot.room.getRtcStats(),
            new Promise((_, reject) => setTimeout(() => reject(new Error('getRtcStats timed out')), 5_000)),
          ]);
          sum.at = performance.now() + performance.timeOrigin;
          // rtc-node may run one peer connection for both directions: its inbound streams are then under publisherStats.
          for (const s of [...result.subscriberStats, ...result.publisherStats]) {
            if (s.stats.case !== 'inboundRtp') continue;
            const { stream, received, inbound } = s.stats.value;
            const kind = stream?.kind === 'video' ? 'video' : 'audio';
            const k = (sum[kind] ??= { streams: 0, packets: 0, lost: 0, jitters: [], framesDecoded: 0 });
            k.streams++;
            k.packets += Number(received?.packetsReceived ?? 0n);
            k.lost += Number(received?.packetsLost ?? 0n);
            k.jitters.push((received?.jitter ?? 0) * 1000);
            k.framesDecoded += inbound?.framesDecoded ?? 0;
          }
        } catch (error) {
          sum.error = String(error?.message ?? error);
        }
        return { identity: bot.identity, ...sum };
      }),
  );
  send({ type: 'stats', rooms });
};

/** Turns every subscribing bot's subscriptions off or back on (the SFU then stops or resumes forwarding to it). */
const subscribe = async ({ on }) => {
  for (const bot of bots.filter((b) => b.subscribe))
    for (const participant of bot.room.remoteParticipants.values())
      for (const publication of participant.trackPublications.values()) publication.setSubscribed(on);
  send({ type: 'subscribed' });
};

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  running = false;
  // Leaving can hang when the SFU is already gone: never outlive the parent by more than a few seconds.
  setTimeout(() => process.exit(0), 8_000).unref();
  for (const bot of bots) bot.stop?.();
  await Promise.all(bots.map((b) => b.room.disconnect().catch(() => undefined)));
  await dispose().catch(() => undefined);
  send({ type: 'stopped' });
  setTimeout(() => process.exit(0), 100);
};

process.on('message', (message) => {
  const handlers = { start, stats, subscribe, stop };
  const run = handlers[message.type]?.(message);
  run?.catch((error) => {
    console.error(`[bots ${process.pid}] ${error?.stack ?? error}`);
    send({ type: 'error', error: String(error?.message ?? error) });
  });
});
// The parent went away: leave the rooms rather than linger.
process.on('disconnect', () => void stop());
