/**
 * The selected camera of the review queue (camera-review-panel.ts): its code, line and reasons in words, a heading
 * field when it has no valid heading, the state of a move (snapping, snapped to a road N m away, no road near),
 * and its actions: confirm / cancel the move, accept (at the suggested position when there is one), reject.
 * Builds nodes only; the panel runs the actions.
 */
import { el, type Child } from '../app/dom.js';
import { t } from '../i18n.js';
import type { FlaggedCamera, LonLat } from '../video/camera-review-api.js';
import { describeReasons } from '../video/camera-review-reasons.js';

export type MovePhase = 'dragging' | 'snapping' | 'snapped' | 'noRoad';
export interface MoveState {
  line: number;
  dropped: LonLat;
  snapped: LonLat | null;
  phase: MovePhase;
  distanceM?: number;
  roadClass?: string;
}

export interface DetailInput {
  camera: FlaggedCamera;
  move: MoveState | null;
  heading: string;
  busy: boolean;
  /** The snap distance the server applies, for the hint. */
  snapMaxM: number;
}

export interface DetailActions {
  onHeading(value: string): void;
  onConfirmMove(to: LonLat): void;
  onCancelMove(): void;
  onAccept(): void;
  onReject(): void;
}

/** Whether a camera needs a heading before it can be accepted. */
export function needsHeading(camera: Pick<FlaggedCamera, 'headingDeg'>): boolean {
  return camera.headingDeg === null || camera.headingDeg < 0 || camera.headingDeg >= 360;
}

/** The heading typed, when it is one in [0, 360). */
export function typedHeading(text: string): number | undefined {
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value) && value >= 0 && value < 360 ? value : undefined;
}

export function renderCameraReviewDetail(input: DetailInput, actions: DetailActions): Child[] {
  const { camera, move, busy } = input;
  const moving = move?.line === camera.line ? move : null;
  const button = (key: string, testId: string, onClick: () => void, primary = false) =>
    el('button', { className: primary ? 'primary' : '', testId, attrs: { type: 'button', disabled: busy }, on: { click: onClick } }, [t(key)]);
  const moveLine = moving
    ? el('p', { testId: 'camera-review-snap', dataset: { phase: moving.phase }, className: moving.phase === 'noRoad' ? 'error-text' : 'muted' }, [
        moving.phase === 'snapped'
          ? t('review.snapped', { distance: (moving.distanceM ?? 0).toFixed(1), roadClass: moving.roadClass ?? '' })
          : moving.phase === 'noRoad'
            ? t('review.noRoad', { max: input.snapMaxM })
            : t('review.snapping'),
      ])
    : el('p', { className: 'muted' }, [t('review.dragHint', { max: input.snapMaxM })]);
  const snappedTo = moving?.phase === 'snapped' ? moving.snapped : null;
  return [
    el('h3', {}, [`${camera.code} · ${camera.name}`]),
    el('p', { className: 'muted' }, [t('review.line', { line: camera.line })]),
    el('h3', {}, [t('review.reasonsTitle')]),
    el(
      'ul',
      { className: 'camera-review-reasons', testId: 'camera-review-reasons' },
      describeReasons(camera, t).map((r) => el('li', { dataset: { flag: r.flag } }, [el('strong', {}, [r.title]), ' ', r.why])),
    ),
    needsHeading(camera)
      ? el('label', { className: 'field' }, [
          t('review.heading'),
          el('input', {
            testId: 'camera-review-heading',
            attrs: { type: 'number', min: 0, max: 359.9, step: 0.1, value: input.heading },
            on: { input: (e) => actions.onHeading((e.target as HTMLInputElement).value) },
          }),
        ])
      : null,
    moveLine,
    el('div', { className: 'camera-review-actions' }, [
      snappedTo ? button('review.confirmMove', 'camera-review-confirm-move', () => actions.onConfirmMove(snappedTo), true) : null,
      moving ? button('review.cancelMove', 'camera-review-cancel-move', () => actions.onCancelMove()) : null,
      button(camera.suggested ? 'review.acceptSuggested' : 'review.accept', 'camera-review-accept', () => actions.onAccept(), !moving),
      button('review.reject', 'camera-review-reject', () => actions.onReject()),
    ]),
  ];
}
