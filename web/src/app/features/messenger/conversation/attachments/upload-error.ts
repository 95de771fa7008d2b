import { ATTACHMENT_MAX_BYTES } from '@messenger/contracts';
import type { ApiError } from '../../../../core/api/api-error';
import { apiErrorText } from '../../../../core/api/api-error-text';
import type { I18n } from '../../../../core/i18n/i18n.service';
import { humanSize } from '../../../../core/messages/message-text';

/** Why a file did not upload, in words: too large (with the limit the gateway named), a type not taken, or else. */
export const uploadErrorText = (i18n: I18n, error: ApiError): string => {
  if (error.code === 'PAYLOAD_TOO_LARGE') {
    const named = /larger than (\d+) bytes/.exec(error.message)?.[1];
    return i18n.t('attach.tooLarge', { limit: humanSize(named ? Number(named) : ATTACHMENT_MAX_BYTES, i18n.lang()) });
  }
  if (error.code === 'UNSUPPORTED_MEDIA_TYPE' || error.code === 'UNPROCESSABLE_IMAGE') return i18n.t('attach.type');
  return i18n.t('attach.failed', { reason: apiErrorText(i18n, error) });
};
