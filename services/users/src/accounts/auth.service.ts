import { randomUUID } from 'node:crypto';
import type { AuthResult } from '@messenger/contracts';
import { ServiceError, type Logger } from '@messenger/kit';
import type { SessionsRepository } from '../sessions/sessions.repository.js';
import { hashRefreshToken, type TokenIssuer } from '../sessions/token-issuer.js';
import type { AccountsRepository } from './accounts.repository.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './password-hasher.js';
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
    private readonly sessions: SessionsRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenIssuer,
    private readonly throttle: LoginThrottle,
    private readonly events: UserEvents,
    private readonly logger: Logger,
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
    const user = mapUser(account);
    await this.events.registered(user);
    return this.grant(user, randomUUID());
  }

  async login(input: { username: string; password: string }, clientIp: string | undefined): Promise<AuthGrant> {
    const username = input.username.trim().toLowerCase();
    const verdict = await this.throttle.check(username, clientIp);
    if (!verdict.allowed) {
      throw new ServiceError('RATE_LIMITED', 'too many failed sign-ins; try again later', { retryAfterSeconds: verdict.retryAfterSeconds });
    }
    const account = await this.accounts.findByUsername(username);
    const matches = await this.hasher.verify(input.password, account?.passwordHash ?? (await this.decoyHash));
    if (!account || !matches) {
      await this.throttle.recordFailure(username, clientIp);
      throw invalidCredentials();
    }
    await this.throttle.recordSuccess(username);
    return this.grant(mapUser(account), randomUUID());
  }

  async refresh(refreshToken: string | undefined): Promise<AuthGrant> {
    if (!refreshToken) throw invalidRefresh();
    const session = await this.sessions.findByTokenHash(hashRefreshToken(refreshToken));
    if (!session || session.revokedAt || session.expiresAt.getTime() <= Date.now()) throw invalidRefresh();
    // A reuse detected while this family's newest token was being issued revokes that token too.
    if (await this.sessions.isFamilyRevoked(session.familyId)) throw invalidRefresh();
    // A used token presented again, or two presentations racing, means it was copied: end the family.
    if (session.usedAt || !(await this.sessions.markUsed(session._id))) {
      await this.sessions.revokeFamily(session.familyId);
      this.logger.warn({ userId: session.userId, familyId: session.familyId }, 'refresh token reused; session family revoked');
      throw invalidRefresh();
    }
    const account = await this.accounts.findById(session.userId);
    if (!account) throw invalidRefresh();
    return this.grant(mapUser(account), session.familyId);
  }

  async logout(refreshToken: string | undefined): Promise<void> {
    if (!refreshToken) return;
    const session = await this.sessions.findByTokenHash(hashRefreshToken(refreshToken));
    if (session) await this.sessions.revokeFamily(session.familyId);
  }

  private async grant(user: AuthGrant['user'], familyId: string): Promise<AuthGrant> {
    const issued = await this.tokens.issue(user.id);
    await this.sessions.create({ familyId, userId: user.id, tokenHash: issued.refresh.tokenHash, expiresAt: issued.refresh.expiresAt });
    return {
      accessToken: issued.accessToken,
      user,
      refresh: { token: issued.refresh.token, expiresAt: issued.refresh.expiresAt.toISOString() },
    };
  }
}
