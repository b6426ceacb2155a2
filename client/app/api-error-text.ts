/** An API failure as a translated sentence: by its code, with the refusal reason when the server gives one. */
import { ApiError } from '../api/api-client.js';
import { hasMessage, t } from '../i18n.js';

export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return t('error.unknown', { code: error instanceof Error ? error.name : 'error' });
  const reason = typeof error.details.reason === 'string' ? error.details.reason : null;
  if (reason && hasMessage(`disabled.${reason}`)) {
    const state = typeof error.details.state === 'string' ? t(`state.${error.details.state}`) : '';
    return t(`disabled.${reason}`, { state });
  }
  if (hasMessage(`error.${error.code}`)) return t(`error.${error.code}`);
  return t('error.unknown', { code: error.code });
}
