/**
 * The incident's video (above its detail): the cameras covering its place (GET /api/incidents/:id/cameras,
 * covering ones first, online first, then the nearest that may not see it), the first online one playing at
 * once, one click to play another, and the video wall of up to nine of them. For a video-AI alarm: the frame
 * the detector saw and its camera, which plays first. Kept outside the detail panel's
 * own re-rendering so that a live refresh of the case does not restart the video.
 * Auto-play is a setting of this browser (VIDEO_AUTOPLAY_KEY, on unless switched off): a street centre on a
 * thin link, or a PC that decodes and composites video without a GPU, keeps the list and plays on a click.
 */
import type { AnswerOf } from '../../server/contract/api-route.js';
import type { CoveringCamera, incidentCamerasRoute } from '../../server/video/cameras-contract.js';
import { apiGet } from '../api/api-client.js';
import { describeError } from '../app/api-error-text.js';
import { el, replaceChildren } from '../app/dom.js';
import { t } from '../i18n.js';
import { createVideoPlayer, type VideoPlayer } from '../video/video-player.js';
import type { VideoWallPanel } from './video-wall-panel.js';

export interface VideoIncidentSection {
  element: HTMLElement;
  open(incidentId: number): Promise<void>;
  /** Plays one camera (the video-AI snapshot's "open camera"). */
  play(camera: { code: string; name: string; online: boolean }): void;
  close(): void;
}

const WALL_CAMERAS = 9;
const LISTED = 4;
/** localStorage key: 'off' keeps an opened case's video still until a camera is clicked. */
export const VIDEO_AUTOPLAY_KEY = 'gridops.videoAutoplay';

function autoplayOn(): boolean {
  return localStorage.getItem(VIDEO_AUTOPLAY_KEY) !== 'off';
}

export function createVideoIncidentSection(options: { wall: VideoWallPanel }): VideoIncidentSection {
  const element = el('section', { className: 'panel video-section', testId: 'incident-video' });
  const stage = el('div', { className: 'video-stage' });
  let cameras: CoveringCamera[] = [];
  let alarm: { cameraCode: string; snapshotUrl: string | null } | null = null;
  let player: VideoPlayer | null = null;
  let playing: string | null = null;
  let request = 0;
  let failure: unknown = null;
  let loading = false;

  let playingCamera: { code: string; name: string; online: boolean } | null = null;

  const play = (camera: { code: string; name: string; online: boolean }) => {
    player?.destroy();
    player = createVideoPlayer(camera);
    playing = camera.code;
    playingCamera = camera;
    replaceChildren(stage, [player.element]);
    render();
  };

  /** The wall covers the incident view: its stream stops while the wall is open and plays again after. */
  const openWall = () => {
    const resume = player ? playingCamera : null;
    const opened = request;
    player?.destroy();
    player = null;
    playing = null;
    replaceChildren(stage, []);
    render();
    options.wall.open(cameras, { onClose: () => resume && opened === request && play(resume) });
  };

  const autoplayToggle = () => {
    const box = el('input', { attrs: { type: 'checkbox' }, testId: 'video-autoplay' });
    box.checked = autoplayOn();
    box.addEventListener('change', () => {
      localStorage.setItem(VIDEO_AUTOPLAY_KEY, box.checked ? 'on' : 'off');
      render();
    });
    return el('label', { className: 'video-autoplay' }, [box, ' ', t('video.autoplay')]);
  };

  const render = () => {
    const title = el('h3', {}, [t('video.coveringTitle')]);
    if (loading) return replaceChildren(element, [title, el('p', { className: 'muted' }, [t('video.loadingCameras')])]);
    if (failure) return replaceChildren(element, [title, el('p', { className: 'error-text' }, [describeError(failure)])]);
    if (cameras.length === 0 && !alarm) return replaceChildren(element, [title, el('p', { className: 'muted' }, [t('video.coveringNone')])]);
    const alarmCamera = alarm
      ? (cameras.find((c) => c.code === alarm!.cameraCode) ?? { code: alarm.cameraCode, name: alarm.cameraCode, online: true })
      : null;
    replaceChildren(element, [
      alarm && alarmCamera
        ? el('div', { className: 'panel-section video-snapshot', testId: 'video-ai-snapshot' }, [
            el('h3', {}, [t('video.snapshotTitle')]),
            alarm.snapshotUrl ? el('img', { attrs: { src: alarm.snapshotUrl, alt: t('video.snapshotTitle') } }) : null,
            el('button', { attrs: { type: 'button' }, testId: 'open-alarm-camera', on: { click: () => play(alarmCamera) } }, [
              t('video.openCamera'),
              ' · ',
              alarmCamera.name,
            ]),
          ])
        : null,
      title,
      autoplayToggle(),
      playing === null && !autoplayOn() && cameras.some((c) => c.online)
        ? el('p', { className: 'muted', testId: 'video-autoplay-off' }, [t('video.autoplayOffHint')])
        : stage,
      el(
        'ol',
        { className: 'plain-list video-camera-list', testId: 'covering-cameras' },
        cameras
          .slice(0, LISTED)
          .map((c) =>
            el('li', { className: `${c.online ? '' : 'is-offline'}${c.code === playing ? ' is-playing' : ''}`, dataset: { camera: c.code } }, [
              el('button', { className: 'link-button', attrs: { type: 'button', title: t('video.play') }, on: { click: () => play(c) } }, [c.name]),
              ' · ',
              el('span', { className: c.covers ? 'badge badge-covers' : 'badge badge-may-not-see' }, [
                t(c.covers ? 'video.covers' : 'video.mayNotSee'),
              ]),
              ' · ',
              t('video.distance', { metres: Math.round(c.distanceM) }),
              c.online ? '' : ` · ${t('video.state.offline')}`,
              c.suggestedPresetDeg !== null ? ` · ${t('video.ptzPreset', { deg: Math.round(c.suggestedPresetDeg) })}` : '',
            ]),
          ),
      ),
      el('button', { attrs: { type: 'button' }, testId: 'open-video-wall', on: { click: () => openWall() } }, [t('video.openWall')]),
    ]);
  };

  return {
    element,
    play,
    async open(incidentId) {
      const mine = ++request;
      player?.destroy();
      player = null;
      playing = null;
      replaceChildren(stage, []);
      loading = true;
      failure = null;
      render();
      try {
        const answer = await apiGet<AnswerOf<typeof incidentCamerasRoute>>(`/api/incidents/${incidentId}/cameras?limit=${WALL_CAMERAS}`);
        if (mine !== request) return;
        cameras = answer.cameras;
        alarm = answer.alarm;
      } catch (error) {
        if (mine !== request) return;
        cameras = [];
        alarm = null;
        failure = error;
      }
      loading = false;
      const first = (alarm && cameras.find((c) => c.code === alarm!.cameraCode && c.online)) || cameras.find((c) => c.online);
      if (first && autoplayOn()) play(first);
      else render();
    },
    close() {
      request++;
      player?.destroy();
      player = null;
      playing = null;
    },
  };
}
