import type { ApiError } from '../../core/api/api-error';
import type { I18n } from '../../core/i18n/i18n.service';

/** A server refusal in the user's language: known codes get their own text, the rest a general one. */
export const serverMessage = (i18n: I18n, error: ApiError): string => {
  switch (error.code) {
    case 'INVALID_CREDENTIALS':
    case 'USERNAME_TAKEN':
      return i18n.t(`error.${error.code}`);
    case 'RATE_LIMITED':
      return i18n.t('error.RATE_LIMITED', { seconds: error.retryAfterSeconds ?? 60 });
    case 'NETWORK':
      return i18n.t('error.network');
    default:
      return i18n.t('error.unknown');
  }
};
