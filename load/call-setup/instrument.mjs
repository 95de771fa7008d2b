/* global window, document, MutationObserver, PerformanceObserver, Element, HTMLVideoElement */
// Runs in every page before the app (context.addInitScript): records, on the page's own clock, what a call's
// setup goes through, without touching the app's code. window.__cs holds
//   marks:  the last click on each [data-test] element (capture phase, before the app's handler runs)
//   ws:     every WebSocket (LiveKit's signal socket is the one whose URL has /rtc), created and opened
//   pcs:    every RTCPeerConnection, created, connected (ICE + DTLS done) and its 'track' events
//   videos: every <video> element, when it was added and when it first had a decoded frame
//   longTasks: main-thread tasks longer than 50 ms
// and window.__csWatch(video) starts the same first-frame watch on an element the caller made.
export const instrument = () => {
  const now = () => performance.now();
  const cs = { marks: {}, ws: [], pcs: [], videos: [], longTasks: [] };
  window.__cs = cs;
  window.__csReset = () => {
    cs.marks = {};
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

  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      const record = { socket: this, url: String(url), created: now(), open: 0 };
      cs.ws.push(record);
      this.addEventListener('open', () => (record.open = now()));
    }
  };

  const NativePeerConnection = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(...args) {
      super(...args);
      const record = { pc: this, created: now(), connected: 0, tracks: [] };
      cs.pcs.push(record);
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected' && !record.connected) record.connected = now();
      });
      this.addEventListener('track', (event) => record.tracks.push({ kind: event.track.kind, at: now() }));
    }
  };

  // A frame counts as decoded when the element's decoded-frame count first moves, or when the compositor is
  // handed one (requestVideoFrameCallback), whichever is seen first; both are checked every few ms.
  const watch = (video) => {
    if (video.__csWatched) return cs.videos.find((v) => v.video === video);
    video.__csWatched = true;
    const record = { video, added: now(), first: 0 };
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
  new MutationObserver((mutations) => {
    for (const mutation of mutations)
      for (const node of mutation.addedNodes) {
        if (!(node instanceof Element)) continue;
        if (node instanceof HTMLVideoElement) watch(node);
        for (const video of node.querySelectorAll('video')) watch(video);
      }
  }).observe(document, { childList: true, subtree: true });
};
