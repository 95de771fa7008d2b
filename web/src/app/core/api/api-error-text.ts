import type { I18n } from '../i18n/i18n.service';
import type { MessageKey } from '../i18n/ru';
import type { ApiError } from './api-error';

/** The server's stable error codes the UI has words for (every screen); anything else gets the generic line. */
const KNOWN: Record<string, MessageKey> = {
  INVALID_CREDENTIALS: 'error.INVALID_CREDENTIALS',
  USERNAME_TAKEN: 'error.USERNAME_TAKEN',
  GROUP_FULL: 'error.GROUP_FULL',
  PERMISSION_DENIED: 'error.PERMISSION_DENIED',
  NOT_FOUND: 'error.NOT_FOUND',
  VALIDATION_FAILED: 'error.VALIDATION_FAILED',
  PAYLOAD_TOO_LARGE: 'error.PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'error.UNSUPPORTED_MEDIA_TYPE',
  UNPROCESSABLE_IMAGE: 'error.UNSUPPORTED_MEDIA_TYPE',
  SERVICE_UNAVAILABLE: 'error.SERVICE_UNAVAILABLE',
  SERVICE_TIMEOUT: 'error.SERVICE_UNAVAILABLE',
};

export const apiErrorText = (i18n: I18n, error: ApiError): string => {
  if (error.code === 'NETWORK') return i18n.t('error.network');
  if (error.code === 'RATE_LIMITED') return i18n.t('error.RATE_LIMITED', { seconds: error.retryAfterSeconds ?? 60 });
  const key = KNOWN[error.code];
  return key ? i18n.t(key) : i18n.t('error.unknown');
};
