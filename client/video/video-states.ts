/** The video player's states and decisions, pure (client/video/video-player.ts uses them). */
export type VideoState = 'loading' | 'playing' | 'offline' | 'error' | 'refused' | 'forbidden' | 'unavailable';

export const RETRY_FIRST_MS = 1_000;
export const RETRY_MAX_MS = 30_000;

/** The back-off before retry number `attempt` (1-based): 1 s doubling to 30 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.max(0, attempt - 1));
}

/**
 * Which state an API refusal of a stream leads to, or null when it is worth retrying: another jurisdiction's
 * (or a removed) camera is "no permission" — the server answers 404 so as not to say which codes exist.
 */
export function stateForRefusal(status: number, code: string): VideoState | null {
  if (status === 404 || status === 403) return 'forbidden';
  if (code === 'camera_offline') return 'offline';
  if (code === 'stream_outside_gateway') return 'refused';
  if (code === 'video_unavailable') return 'unavailable';
  return null;
}
