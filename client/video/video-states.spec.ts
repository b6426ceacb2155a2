import { describe, expect, it } from 'vitest';
import { RETRY_MAX_MS, retryDelayMs, stateForRefusal } from './video-states.js';

describe('video player decisions', () => {
  it('backs off 1, 2, 4 … seconds up to 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, RETRY_MAX_MS]);
  });
  it('turns refusals into final states and leaves other failures to retry', () => {
    expect(stateForRefusal(404, 'camera_not_found')).toBe('forbidden');
    expect(stateForRefusal(403, 'role_forbidden')).toBe('forbidden');
    expect(stateForRefusal(409, 'camera_offline')).toBe('offline');
    expect(stateForRefusal(502, 'stream_outside_gateway')).toBe('refused');
    expect(stateForRefusal(503, 'video_unavailable')).toBe('unavailable');
    expect(stateForRefusal(502, 'stream_unavailable')).toBeNull();
    expect(stateForRefusal(500, 'internal_error')).toBeNull();
  });
});
