/**
 * Position reporting while on duty: the Geolocation API's watch, filtered (position-filter.ts) and sent to
 * POST /api/field/position. Started only after the worker's explicit consent and only on duty; stopped off
 * duty. Positions are not queued offline: an old position is no use to a dispatcher. The latest fix is kept
 * for "on scene" and the map whether or not it was sent.
 */
import { apiPost } from '../api/api-client.js';
import { DEFAULT_POSITION_FILTER, shouldSendFix, type PositionFix } from './position-filter.js';

export type PositionState = 'off' | 'waiting' | 'on' | 'denied' | 'unavailable';

export interface PositionReporter {
  start(): void;
  stop(): void;
  state(): PositionState;
  /** The newest fix, sent or not. */
  latest(): PositionFix | null;
  /** One fresh fix now (for "on scene"), or the latest when none comes within the timeout. */
  current(timeoutMs?: number): Promise<PositionFix | null>;
  onChange(listener: () => void): void;
}

const toFix = (p: GeolocationPosition): PositionFix => ({
  lon: p.coords.longitude,
  lat: p.coords.latitude,
  accuracy: p.coords.accuracy,
  at: Date.now(),
});

export function createPositionReporter(): PositionReporter {
  let watch: number | null = null;
  let status: PositionState = 'off';
  let latest: PositionFix | null = null;
  let lastSent: PositionFix | null = null;
  const listeners: (() => void)[] = [];
  const changed = () => listeners.forEach((l) => l());
  const setStatus = (next: PositionState) => {
    if (next !== status) {
      status = next;
      changed();
    }
  };

  const onFix = (position: GeolocationPosition) => {
    latest = toFix(position);
    setStatus('on');
    changed();
    if (watch !== null && shouldSendFix(latest, lastSent, DEFAULT_POSITION_FILTER)) {
      const fix = latest;
      lastSent = fix;
      apiPost('/api/field/position', { lon: fix.lon, lat: fix.lat, accuracy: Math.min(fix.accuracy, 100_000) }).catch(() => {
        // Offline or refused: the next fix tries again.
        if (lastSent === fix) lastSent = null;
      });
    }
  };
  const onError = (error: GeolocationPositionError) => setStatus(error.code === error.PERMISSION_DENIED ? 'denied' : 'unavailable');

  return {
    start() {
      if (watch !== null) return;
      if (!('geolocation' in navigator)) return setStatus('unavailable');
      setStatus('waiting');
      watch = navigator.geolocation.watchPosition(onFix, onError, { enableHighAccuracy: true, maximumAge: 5_000, timeout: 30_000 });
    },
    stop() {
      if (watch !== null) navigator.geolocation.clearWatch(watch);
      watch = null;
      lastSent = null;
      setStatus('off');
    },
    state: () => status,
    latest: () => latest,
    current(timeoutMs = 8_000) {
      return new Promise((resolve) => {
        if (!('geolocation' in navigator)) return resolve(latest);
        navigator.geolocation.getCurrentPosition(
          (p) => {
            latest = toFix(p);
            changed();
            resolve(latest);
          },
          (error) => {
            if (error.code === error.PERMISSION_DENIED) setStatus('denied');
            resolve(latest);
          },
          { enableHighAccuracy: true, maximumAge: 3_000, timeout: timeoutMs },
        );
      });
    },
    onChange: (listener) => void listeners.push(listener),
  };
}
