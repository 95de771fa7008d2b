export const REFRESH_COOKIE = 'refresh_token';
const REFRESH_PATH = '/api/auth';

/** A cookie's value, or undefined when it is absent or not valid percent-encoding (a forged value is no cookie). */
export const readCookie = (header: string, name: string): string | undefined => {
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
};

/** httpOnly, SameSite=Strict and scoped to /api/auth: scripts cannot read it and no other route receives it. */
export const refreshCookie = (token: string, expiresAt: Date, secure: boolean): string =>
  [
    `${REFRESH_COOKIE}=${encodeURIComponent(token)}`,
    `Path=${REFRESH_PATH}`,
    `Expires=${expiresAt.toUTCString()}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');

export const clearedRefreshCookie = (secure: boolean): string =>
  [
    `${REFRESH_COOKIE}=`,
    `Path=${REFRESH_PATH}`,
    'Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
