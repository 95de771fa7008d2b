import { DOCUMENT, Injectable, effect, inject, signal } from '@angular/core';
import { Subject } from 'rxjs';
import { WS_CLOSE, type ServerFrame, type ServerFrameType } from '@messenger/contracts';
import { AuthStore } from '../auth/auth.store';

export type ConnectionState = 'offline' | 'connecting' | 'online';

/** Factory for the socket, so tests can hand in a fake one. */
export type SocketFactory = (url: string) => WebSocket;

const MAX_BACKOFF_MS = 15_000;

/**
 * The one WebSocket of the app. It connects while someone is signed in, reconnects by itself with
 * growing, jittered delays, and announces each (re)connection on `resynced$` so stores fetch what
 * they missed over HTTP (pushes are best-effort; history and the chat list are the truth).
 */
@Injectable({ providedIn: 'root' })
export class Realtime {
  private readonly auth = inject(AuthStore);
  private readonly location = inject(DOCUMENT).location;
  readonly state = signal<ConnectionState>('offline');
  readonly frames$ = new Subject<ServerFrame>();
  readonly resynced$ = new Subject<void>();
  private socket: WebSocket | null = null;
  private attempt = 0;
  private retry: ReturnType<typeof setTimeout> | null = null;
  socketFactory: SocketFactory = (url) => new WebSocket(url);

  constructor() {
    effect(() => {
      const token = this.auth.accessToken();
      if (token && !this.socket) this.connect();
      if (!token) this.disconnect();
    });
  }

  on<T extends ServerFrameType>(type: T, handler: (data: ServerFrame<T>['data']) => void): () => void {
    const subscription = this.frames$.subscribe((frame) => {
      if (frame.type === type) handler(frame.data as ServerFrame<T>['data']);
    });
    return () => subscription.unsubscribe();
  }

  send(frame: { type: 'typing'; data: { chatId: string } } | { type: 'ping' }): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  private connect(): void {
    const token = this.auth.accessToken();
    if (!token) return;
    this.state.set('connecting');
    const scheme = this.location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = this.socketFactory(`${scheme}://${this.location.host}/ws?access_token=${encodeURIComponent(token)}`);
    this.socket = socket;
    socket.onmessage = (event: MessageEvent<string>) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(event.data) as ServerFrame;
      } catch {
        return;
      }
      if (frame.type === 'ready') {
        this.attempt = 0;
        this.state.set('online');
        this.resynced$.next();
      }
      this.frames$.next(frame);
    };
    socket.onclose = (event?: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.state.set('offline');
      // The server ends a socket when the token it opened with runs out: come back at once with a fresh one.
      if (this.auth.accessToken()) this.scheduleReconnect(event?.code === WS_CLOSE.tokenExpired);
    };
  }

  private scheduleReconnect(now = false): void {
    const base = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt);
    this.attempt += 1;
    const delay = now ? 0 : base / 2 + Math.random() * (base / 2);
    this.retry = setTimeout(() => {
      this.retry = null;
      // The close may have been an expired token: refresh it first; a failed refresh signs out.
      void this.auth.refresh().then((ok) => {
        if (ok && !this.socket) this.connect();
      });
    }, delay);
  }

  private disconnect(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000);
    this.state.set('offline');
  }
}
