/**
 * A small HTTP client for tests that behaves like a browser tab towards the gateway: it keeps the
 * access token it was given and the refresh cookie the gateway set (path /api/auth only).
 */
export class ApiClient {
  accessToken: string | undefined;
  refreshCookie: string | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const init: RequestInit = { method, headers: { ...this.defaultHeaders, ...headers } };
    const h = init.headers as Record<string, string>;
    if (this.accessToken) h.authorization = `Bearer ${this.accessToken}`;
    if (this.refreshCookie && path.startsWith('/api/auth')) h.cookie = `refresh_token=${this.refreshCookie}`;
    if (body instanceof Uint8Array) {
      init.body = body;
      h['content-type'] ??= 'application/octet-stream';
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, init);
    const setCookie = response.headers.get('set-cookie');
    if (setCookie?.startsWith('refresh_token=')) {
      const value = decodeURIComponent(setCookie.slice('refresh_token='.length, setCookie.indexOf(';')));
      this.refreshCookie = value || undefined;
    }
    const text = await response.text();
    const parsed = text && response.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as T) : (text as T);
    return { status: response.status, body: parsed, headers: response.headers };
  }

  /** Registers and keeps the session, as the sign-up screen would. */
  async register(username: string, name: string, password = 'correct horse battery') {
    const result = await this.call<{ accessToken: string; user: { id: string; username: string; name: string } }>(
      'POST',
      '/api/auth/register',
      { username, name, password },
    );
    if (result.status !== 201) throw new Error(`register ${username}: ${result.status} ${JSON.stringify(result.body)}`);
    this.accessToken = result.body.accessToken;
    return result.body.user;
  }
}
