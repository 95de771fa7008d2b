/* global window, document, MutationObserver, PerformanceObserver, Element, HTMLVideoElement, HTMLMediaElement */
// Runs in every page before the app (context.addInitScript): records, on the page's own clock, what a call's
// setup goes through, without touching the app's code. window.__cs holds
//   marks:  the last click on each [data-test] element (capture phase, before the app's handler runs)
//   ws:     every WebSocket (LiveKit's signal socket is the one whose URL has /rtc), created and opened; on the
//           signal socket also each message in and out, by its protobuf field (SignalRequest / SignalResponse case)
//   pcs:    every RTCPeerConnection, created, connected (ICE + DTLS done), its 'track' events and its offer/answer
//           calls (createOffer, setLocalDescription, setRemoteDescription: when each began and ended)
//   seen:   when an element first appeared, by [data-test] (e.g. the call window)
//   videos: every <video> element, when it was added, when a stream was attached to it (srcObject) and when it
//           first had a decoded frame
//   stats:  with window.__csPollStats() (LOAD_TRACE), the receiving side of video every 10 ms from the call's peer
//           connections (getStats): first packet, first frame received, first decoded, key frames, PLIs sent
//   longTasks: main-thread tasks longer than 50 ms
// and window.__csWatch(video) starts the same first-frame watch on an element the caller made.
export const instrument = () => {
  const now = () => performance.now();
  const cs = { marks: {}, seen: {}, ws: [], pcs: [], videos: [], longTasks: [] };
  window.__cs = cs;
  window.__csReset = () => {
    cs.marks = {};
    cs.seen = {};
    cs.ws = cs.ws.filter((w) => w.socket.readyState <= 1 && !w.url.includes('/rtc'));
    cs.pcs = cs.pcs.filter((p) => p.pc.connectionState !== 'closed');
    cs.videos = [];
    cs.longTasks = [];
  };
  // Main-thread tasks over 50 ms: time the page could not react to anything (the network included).
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) cs.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask' });
  } catch {
    // not supported: no long-task figures
  }

  document.addEventListener(
    'click',
    (event) => {
      const target = event.target instanceof Element ? event.target.closest('[data-test]') : null;
      if (target) cs.marks[target.getAttribute('data-test')] = now();
    },
    true,
  );

  // The field number of a protobuf message's first field: which case of LiveKit's SignalRequest/SignalResponse it is.
  const firstField = (data) => {
    const bytes =
      data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : ArrayBuffer.isView(data)
          ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
          : null;
    if (!bytes) return null;
    let value = 0;
    for (let i = 0, shift = 0; i < 5 && i < bytes.length; i++, shift += 7) {
      value |= (bytes[i] & 0x7f) << shift;
      if (!(bytes[i] & 0x80)) break;
    }
    return value >>> 3;
  };
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      const record = { socket: this, url: String(url), created: now(), open: 0, messages: [] };
      cs.ws.push(record);
      this.__csRecord = record;
      this.addEventListener('open', () => (record.open = now()));
      if (record.url.includes('/rtc'))
        this.addEventListener('message', (event) => record.messages.push({ dir: 'in', field: firstField(event.data), at: now() }));
    }
    send(data) {
      const record = this.__csRecord;
      if (record?.url.includes('/rtc')) record.messages.push({ dir: 'out', field: firstField(data), at: now() });
      return super.send(data);
    }
  };

  const NativePeerConnection = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(...args) {
      super(...args);
      const record = { pc: this, created: now(), connected: 0, iceConnected: 0, tracks: [], ops: [] };
      cs.pcs.push(record);
      this.__csRecord = record;
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected' && !record.connected) record.connected = now();
      });
      this.addEventListener('iceconnectionstatechange', () => {
        if (['connected', 'completed'].includes(this.iceConnectionState) && !record.iceConnected) record.iceConnected = now();
      });
      // A track without a stream is an empty receive section livekit-client adds ahead of time (it ignores those);
      // a subscribed track arrives with its participant's stream.
      this.addEventListener('track', (event) => record.tracks.push({ kind: event.track.kind, streams: event.streams.length, at: now() }));
    }
  };
  for (const op of ['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription']) {
    const native = NativePeerConnection.prototype[op];
    window.RTCPeerConnection.prototype[op] = function (...args) {
      const entry = { op, type: args[0]?.type ?? '', start: now(), end: 0 };
      this.__csRecord?.ops.push(entry);
      const result = native.apply(this, args);
      Promise.resolve(result).then(
        () => (entry.end = now()),
        () => (entry.end = -1),
      );
      return result;
    };
  }

  // A frame counts as decoded when the element's decoded-frame count first moves, or when the compositor is
  // handed one (requestVideoFrameCallback), whichever is seen first; both are checked every few ms.
  const watch = (video) => {
    if (video.__csWatched) return cs.videos.find((v) => v.video === video);
    video.__csWatched = true;
    const record = { video, added: now(), attached: video.srcObject ? now() : 0, first: 0 };
    cs.videos.push(record);
    const seen = () => {
      if (!record.first) record.first = now();
    };
    video.requestVideoFrameCallback?.(seen);
    const timer = setInterval(() => {
      if (record.first || !video.isConnected) return clearInterval(timer);
      if (video.getVideoPlaybackQuality().totalVideoFrames > 0) seen();
    }, 4);
    return record;
  };
  window.__csWatch = watch;
  const srcObject = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    ...srcObject,
    set(value) {
      srcObject.set.call(this, value);
      const record = cs.videos.find((v) => v.video === this);
      if (record && value && !record.attached) record.attached = now();
    },
  });
  cs.stats = [];
  window.__csPollStats = () => {
    const since = now();
    const seen = new Map();
    const timer = setInterval(async () => {
      if (now() - since > 3000) return clearInterval(timer);
      for (const p of cs.pcs.filter((x) => x.created >= since - 1000 && x.pc.connectionState !== 'closed')) {
        const report = await p.pc.getStats().catch(() => null);
        report?.forEach((s) => {
          if (s.type !== 'inbound-rtp' || s.kind !== 'video') return;
          const key = s.id;
          const prev = seen.get(key) ?? {};
          const at = now();
          const next = { ...prev };
          if (!prev.packets && s.packetsReceived > 0) next.packets = at;
          if (!prev.received && s.framesReceived > 0) next.received = at;
          if (!prev.decoded && s.framesDecoded > 0) next.decoded = at;
          if (!prev.keyFrame && s.keyFramesDecoded > 0) next.keyFrame = at;
          next.pli = s.pliCount;
          next.fir = s.firCount;
          next.nack = s.nackCount;
          if (next.pli && !prev.pliAt) next.pliAt = at;
          seen.set(key, next);
        });
      }
      cs.stats = [...seen.entries()].map(([id, v]) => ({ id, ...v }));
    }, 10);
  };
  new MutationObserver((mutations) => {
    for (const mutation of mutations)
      for (const node of mutation.addedNodes) {
        if (!(node instanceof Element)) continue;
        for (const element of [node, ...node.querySelectorAll('[data-test]')]) {
          const name = element.getAttribute('data-test');
          if (name && !cs.seen[name]) cs.seen[name] = now();
        }
        if (node instanceof HTMLVideoElement) watch(node);
        for (const video of node.querySelectorAll('video')) watch(video);
      }
  }).observe(document, { childList: true, subtree: true });
};
