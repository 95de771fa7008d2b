import { randomUUID } from 'node:crypto';
import type { AuthResult } from '@messenger/contracts';
import { ServiceError, type Logger } from '@messenger/kit';
import { readRefreshToken, type RefreshToken } from '../sessions/refresh-token.js';
import type { SessionEndings } from '../sessions/session-endings.js';
import type { SessionsRepository } from '../sessions/sessions.repository.js';
import type { TokenIssuer } from '../sessions/token-issuer.js';
import type { AccountsRepository } from './accounts.repository.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './password-hasher.js';
import type { UserCache } from './user-cache.js';
import type { UserEvents } from './user-events.js';
import { mapUser } from './user.mapper.js';

/** What the gateway receives: the public result plus the refresh grant it turns into a cookie. */
export type AuthGrant = AuthResult & { refresh: { token: string; expiresAt: string } };

const invalidCredentials = () => new ServiceError('INVALID_CREDENTIALS', 'wrong username or password');
const invalidRefresh = () => new ServiceError('REFRESH_TOKEN_INVALID', 'sign in again');

export class AuthService {
  /** Verified against when the username is unknown, so both failures take the same time. */
  private decoyHash: Promise<string>;

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly users: UserCache,
    private readonly sessions: SessionsRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenIssuer,
    private readonly throttle: LoginThrottle,
    private readonly events: UserEvents,
    private readonly logger: Logger,
    private readonly endings: SessionEndings,
  ) {
    this.decoyHash = hasher.hash(randomUUID());
  }

  async register(input: { username: string; name: string; password: string }): Promise<AuthGrant> {
    const account = await this.accounts.create({
      username: input.username,
      name: input.name,
      passwordHash: await this.hasher.hash(input.password),
    });
    if (!account)
      throw new ServiceError('USERNAME_TAKEN', 'this username is taken', {
        fields: [{ path: 'username', location: 'body', message: 'taken' }],
      });
    this.logger.info({ userId: account._id.toHexString() }, 'account registered');
    await this.users.put(account);
    const user = mapUser(account);
    await this.events.registered(user);
    return this.grant(user, randomUUID());
  }

  async login(input: { username: string; password: string }, clientIp: string | undefined): Promise<AuthGrant> {
    const username = input.username.trim().toLowerCase();
    const verdict = await this.throttle.admit(username, clientIp);
    if (!verdict.allowed) {
      throw new ServiceError('RATE_LIMITED', 'too many failed sign-ins; try again later', { retryAfterSeconds: verdict.retryAfterSeconds });
    }
    const account = await this.accounts.findByUsername(username);
    const matches = await this.hasher.verify(input.password, account?.passwordHash ?? (await this.decoyHash));
    if (!account || !matches) throw invalidCredentials();
    await this.throttle.succeeded(username, clientIp);
    if (this.hasher.needsRehash(account.passwordHash)) {
      // The password is at hand only now: its hash moves to today's cost; failing that, the old one still works.
      const stronger = await this.hasher.hash(input.password);
      await this.accounts.setPasswordHash(account._id.toHexString(), stronger).catch((error: unknown) => {
        this.logger.warn({ err: error, userId: account._id.toHexString() }, 'password hash not upgraded');
      });
    }
    await this.users.put(account); // the refreshes that follow read it from there
    return this.grant(mapUser(account), randomUUID());
  }

  /** Every signed-in user, every 15 minutes: Redis only. */
  async refresh(refreshToken: string | undefined): Promise<AuthGrant> {
    const presented = refreshToken ? readRefreshToken(refreshToken) : null;
    const familyId = presented && (await this.sessions.familyOf(presented));
    if (!presented || !familyId) throw invalidRefresh();
    const next = this.tokens.refreshToken(familyId);
    const rotation = await this.sessions.rotate(familyId, presented, next);
    if (rotation.outcome === 'reused') {
      // A used token presented again after its grace period means it was copied: the sign-in ended.
      this.logger.warn({ userId: rotation.userId, familyId }, 'refresh token reused; session family revoked');
      if (rotation.userId) this.endings.announce(rotation.userId, familyId);
      throw invalidRefresh();
    }
    if (rotation.outcome === 'refused') throw invalidRefresh();
    const cached = await this.users.get(rotation.userId);
    if (!cached) throw invalidRefresh();
    return this.result(cached.user, familyId, rotation.outcome === 'shared' ? rotation.successor : next);
  }

  async logout(refreshToken: string | undefined): Promise<void> {
    const presented = refreshToken ? readRefreshToken(refreshToken) : null;
    const familyId = presented && (await this.sessions.familyOf(presented));
    if (!familyId) return;
    const userId = await this.sessions.revoke(familyId);
    if (userId) this.endings.announce(userId, familyId);
  }

  /** A new sign-in: a new token family. */
  private async grant(user: AuthGrant['user'], familyId: string): Promise<AuthGrant> {
    const refresh = this.tokens.refreshToken(familyId);
    await this.sessions.start(familyId, user.id, refresh);
    return this.result(user, familyId, refresh);
  }

  private async result(user: AuthGrant['user'], familyId: string, refresh: RefreshToken): Promise<AuthGrant> {
    return {
      accessToken: await this.tokens.accessToken(user.id, familyId),
      user,
      refresh: { token: refresh.token, expiresAt: refresh.expiresAt.toISOString() },
    };
  }
}
