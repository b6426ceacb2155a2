/**
 * One camera's live video with hls.js, and what the person sees while it is not playing:
 *   loading     → asking the server for the stream, then the first frames;
 *   playing     → the picture, the camera's name and code over it ("generated demo video" when it is one);
 *   offline     → the camera is offline: no request is made at all;
 *   error       → the stream failed: retried with back-off (1, 2, 4 … 30 s), the countdown shown;
 *   refused     → the server refused the stream address (outside the configured gateway): not retried;
 *   forbidden   → the camera is not in the caller's jurisdiction (or gone): not retried;
 *   unavailable → the server has no video source configured.
 * The state is also on the element as data-state (tests, styling).
 */
import Hls from 'hls.js';
import type { AnswerOf } from '../../server/contract/api-route.js';
import type { cameraStreamRoute } from '../../server/video/cameras-contract.js';
import { ApiError, apiGet } from '../api/api-client.js';
import { el, replaceChildren } from '../app/dom.js';
import { t } from '../i18n.js';
import './video.css';
import { retryDelayMs, stateForRefusal, type VideoState } from './video-states.js';

export type { VideoState };

export interface PlayerCamera {
  code: string;
  name: string;
  online: boolean;
}

type StreamAnswer = AnswerOf<typeof cameraStreamRoute>;

export interface VideoPlayer {
  element: HTMLElement;
  video: HTMLVideoElement;
  state(): VideoState;
  destroy(): void;
}

export function createVideoPlayer(camera: PlayerCamera, options: { compact?: boolean; onState?: (state: VideoState) => void } = {}): VideoPlayer {
  const video = el('video', { attrs: { muted: true, playsinline: true, autoplay: true }, testId: 'video' });
  video.muted = true;
  const status = el('div', { className: 'video-status', attrs: { role: 'status' } });
  const generatedLabel = el('span', { className: 'video-generated', attrs: { hidden: true } }, [t('video.generated')]);
  const caption = el('div', { className: 'video-caption' }, [
    el('strong', {}, [camera.name]),
    ' ',
    el('span', {}, [camera.code]),
    ' ',
    generatedLabel,
  ]);
  const element = el(
    'div',
    { className: `video-tile${options.compact ? ' is-compact' : ''}`, testId: 'video-tile', dataset: { camera: camera.code } },
    [video, caption, status],
  );

  let current: VideoState = 'loading';
  let hls: Hls | null = null;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let countdown: ReturnType<typeof setInterval> | undefined;
  let destroyed = false;

  const setState = (next: VideoState, text: string | null = null) => {
    current = next;
    element.dataset.state = next;
    status.hidden = next === 'playing';
    replaceChildren(status, [text ?? t(`video.state.${next}`)]);
    options.onState?.(next);
  };

  const stopHls = () => {
    hls?.destroy();
    hls = null;
  };

  const scheduleRetry = () => {
    stopHls();
    attempt++;
    const delay = retryDelayMs(attempt);
    let left = Math.ceil(delay / 1000);
    setState('error', t('video.state.error', { seconds: left, attempt }));
    clearInterval(countdown);
    countdown = setInterval(() => {
      left = Math.max(0, left - 1);
      if (current === 'error') replaceChildren(status, [t('video.state.error', { seconds: left, attempt })]);
    }, 1000);
    retryTimer = setTimeout(() => {
      clearInterval(countdown);
      void start();
    }, delay);
  };

  const attach = (stream: StreamAnswer) => {
    generatedLabel.hidden = !stream.generated;
    if (Hls.isSupported()) {
      hls = new Hls({
        liveSyncDurationCount: 3,
        manifestLoadingMaxRetry: 1,
        levelLoadingMaxRetry: 2,
        fragLoadingMaxRetry: 2,
        enableWorker: true,
        lowLatencyMode: false,
      });
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (destroyed || !data.fatal) return;
        const code = data.response?.code ?? 0;
        if (code === 403 || code === 404 || code === 409) {
          // Permission or state changed under us: ask the server again for what it is.
          stopHls();
          void start();
          return;
        }
        scheduleRetry();
      });
      hls.loadSource(stream.playlistUrl);
      hls.attachMedia(video);
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = stream.playlistUrl;
    } else {
      setState('unavailable');
      return;
    }
    void video.play().catch(() => undefined);
  };

  const start = async () => {
    if (destroyed) return;
    if (!camera.online) return setState('offline');
    setState('loading');
    let stream: StreamAnswer;
    try {
      stream = await apiGet<StreamAnswer>(`/api/cameras/${encodeURIComponent(camera.code)}/stream`);
    } catch (error) {
      if (destroyed) return;
      const refusal = error instanceof ApiError ? stateForRefusal(error.status, error.code) : null;
      if (refusal) return setState(refusal);
      return scheduleRetry();
    }
    if (destroyed) return;
    if (!stream.online) return setState('offline');
    attach(stream);
  };

  video.addEventListener('playing', () => {
    attempt = 0;
    setState('playing');
  });
  // A media element taken out of the page is paused by the browser: resume when it is back.
  video.addEventListener('pause', () => {
    if (!destroyed && current === 'playing') setTimeout(() => element.isConnected && void video.play().catch(() => undefined), 0);
  });

  setState('loading');
  void start();
  return {
    element,
    video,
    state: () => current,
    destroy() {
      destroyed = true;
      clearTimeout(retryTimer);
      clearInterval(countdown);
      stopHls();
      video.removeAttribute('src');
      video.load();
    },
  };
}
