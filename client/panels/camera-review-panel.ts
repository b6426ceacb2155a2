/**
 * The administrator's camera-position review (issue 21, item 4), in the console's right panel: import a file
 * (camera-import-form.ts), then the queue of its flagged cameras still to review, filtered by reason code with
 * the pending count of each; the cameras of the queue drawn on the map (camera-review.layer.ts: as given, and
 * the suggested correction joined by a line). Selecting one (in the list or on the map) shows its reasons in
 * words; accept, reject, or move it by dragging its point on the map (camera-drag.ts): on release the server
 * says where it snaps to the nearest road, shown before the move is confirmed. Bulk: accept / reject all of a
 * reason, accept / reject the ticked ones. Every action is a review route (audited, administrators only); after
 * an acceptance the camera tiles are loaded again so that the accepted cameras show on the camera layer.
 */
import { describeError } from '../app/api-error-text.js';
import { el, replaceChildren } from '../app/dom.js';
import { currentLanguage, t } from '../i18n.js';
import { attachPointDrag } from '../map/camera-drag.js';
import type { ConsoleMap } from '../map/console-map.js';
import { drawnPosition } from '../map/layers/camera-review.layer.js';
import type { CameraReviewDrawing } from '../map/map-data.js';
import { cameraReviewApi, QA_FLAGS, type FlaggedCamera, type ImportBatch, type LonLat, type QaFlag } from '../video/camera-review-api.js';
import { createCameraImportForm } from './camera-import-form.js';
import { needsHeading, renderCameraReviewDetail, typedHeading, type MoveState } from './camera-review-detail.js';
import '../video/camera-review.css';

/** Cameras of the queue drawn and listed at once. */
const QUEUE_LIMIT = 200;
/** Pixels around a click in which a queued camera is picked. */
const PICK_PIXELS = 12;
/** The snap distance the server applies (SNAP_MAX_M in camera-review.route.ts), for the hint before any answer. */
const SNAP_HINT_M = 50;

export interface CameraReviewPanel {
  element: HTMLElement;
  render(): void;
  /** A map click while the panel is shown: selects the queued camera under it; false when there is none. */
  pickAt(point: { x: number; y: number }): boolean;
  /** The panel is shown (draws the queue, takes drags) or hidden (clears the map). */
  setActive(active: boolean): void;
}

export function createCameraReviewPanel(options: {
  consoleMap: ConsoleMap;
  notify(text: string, kind?: 'info' | 'error'): void;
  onClose(): void;
}): CameraReviewPanel {
  const { consoleMap } = options;
  const element = el('section', { className: 'panel camera-review-panel', testId: 'camera-review' });
  const queueElement = el('div', { className: 'camera-review-queue', testId: 'camera-review-queue' });
  const detailElement = el('div', { className: 'camera-review-detail', testId: 'camera-review-detail' });
  let active = false;
  let batch: ImportBatch | null = null;
  let filter: QaFlag | null = null;
  let cameras: FlaggedCamera[] = [];
  let selectedLine: number | null = null;
  const ticked = new Set<number>();
  let move: MoveState | null = null;
  let heading = '';
  let busy = false;
  let stopDrag: (() => void) | null = null;

  const form = createCameraImportForm({
    onImported: (answer) => {
      batch = answer;
      filter = null;
      selectedLine = null;
      ticked.clear();
      void loadQueue(true);
    },
  });

  const selected = () => cameras.find((c) => c.line === selectedLine) ?? null;

  const drawing = (): CameraReviewDrawing => ({
    cameras: cameras.map((c) => ({ line: c.line, given: [c.lon, c.lat], suggested: c.suggested ? [c.suggested.lon, c.suggested.lat] : null })),
    selectedLine,
    draft: move
      ? { line: move.line, dropped: [move.dropped.lon, move.dropped.lat], snapped: move.snapped ? [move.snapped.lon, move.snapped.lat] : null }
      : null,
  });
  const draw = () => consoleMap.setLayerData({ cameraReview: active ? drawing() : null });

  /** Fits the map to the queue (leaving out cameras outside Nanjing unless they are what is asked for). */
  const fitToQueue = () => {
    const shown = cameras.filter((c) => filter === 'outside_nanjing' || !c.flags.includes('outside_nanjing'));
    if (shown.length === 0) return;
    const lons = shown.flatMap((c) => [c.lon, c.suggested?.lon ?? c.lon]);
    const lats = shown.flatMap((c) => [c.lat, c.suggested?.lat ?? c.lat]);
    const pad = 0.002;
    consoleMap.fitBounds([Math.min(...lons) - pad, Math.min(...lats) - pad, Math.max(...lons) + pad, Math.max(...lats) + pad]);
  };

  const loadQueue = async (fit = false) => {
    if (!batch) return;
    const id = batch.id;
    try {
      const [summary, page] = await Promise.all([
        cameraReviewApi.batch(id),
        cameraReviewApi.flagged(id, { flag: filter, state: 'pending', limit: QUEUE_LIMIT }),
      ]);
      batch = summary;
      cameras = page.cameras;
      for (const line of [...ticked]) if (!cameras.some((c) => c.line === line)) ticked.delete(line);
      if (selectedLine !== null && !cameras.some((c) => c.line === selectedLine)) selectedLine = null;
      if (move && move.line !== selectedLine) move = null;
      form.showReport(batch);
      if (fit) fitToQueue();
    } catch (error) {
      options.notify(describeError(error), 'error');
    }
    render();
    draw();
  };

  const reloadCameraTiles = () => {
    // The server renders the camera layer anew after an acceptance (its tile cache's version is bumped).
    consoleMap.reloadDeviceTiles();
  };

  /** Runs one review action, then reloads the queue; `accepted` says whether cameras joined the live layer. */
  const act = async (run: () => Promise<{ message: string; accepted: boolean }>) => {
    if (busy) return;
    busy = true;
    render();
    try {
      const { message, accepted } = await run();
      options.notify(message);
      if (accepted) reloadCameraTiles();
      move = null;
      heading = '';
    } catch (error) {
      options.notify(describeError(error), 'error');
    } finally {
      busy = false;
    }
    await loadQueue();
  };

  const select = (line: number | null) => {
    selectedLine = line;
    move = null;
    heading = '';
    const camera = selected();
    if (camera && !camera.flags.includes('outside_nanjing')) consoleMap.flyTo(camera.lon, camera.lat, 17);
    render();
    draw();
  };

  const snapDrop = async (line: number, dropped: LonLat) => {
    if (!batch) return;
    move = { line, dropped, snapped: null, phase: 'snapping' };
    render();
    draw();
    try {
      const answer = await cameraReviewApi.snap(batch.id, line, dropped);
      if (move?.line !== line || move.dropped !== dropped) return;
      move = { line, dropped, snapped: answer.snapped, phase: 'snapped', distanceM: answer.distanceM, roadClass: answer.roadClass };
    } catch (error) {
      if (move?.line !== line || move.dropped !== dropped) return;
      move = { line, dropped, snapped: null, phase: 'noRoad' };
      if (!(error instanceof Error && 'code' in error && error.code === 'no_road_nearby')) options.notify(describeError(error), 'error');
    }
    render();
    draw();
  };

  const renderDetail = () => {
    const camera = selected();
    if (!camera || !batch) return replaceChildren(detailElement, []);
    const id = batch.id;
    replaceChildren(
      detailElement,
      renderCameraReviewDetail(
        { camera, move, heading, busy, snapMaxM: SNAP_HINT_M },
        {
          onHeading: (value) => (heading = value),
          onConfirmMove: (to) =>
            void act(async () => ({
              message: t('review.moved', { code: (await cameraReviewApi.move(id, camera.line, to, true)).accepted.code }),
              accepted: true,
            })),
          onCancelMove: () => {
            move = null;
            render();
            draw();
          },
          onAccept: () =>
            void act(async () => {
              await cameraReviewApi.accept(id, camera.line, needsHeading(camera) ? typedHeading(heading) : undefined);
              return { message: t('review.accepted', { count: 1 }), accepted: true };
            }),
          onReject: () =>
            void act(async () => {
              await cameraReviewApi.reject(id, camera.line);
              return { message: t('review.rejected', { count: 1 }), accepted: false };
            }),
        },
      ),
    );
  };

  const renderQueue = () => {
    if (!batch) return replaceChildren(queueElement, []);
    const id = batch.id;
    const counts = batch.pendingFlagCounts;
    const total = batch.flaggedByState.pending ?? 0;
    const chip = (flag: QaFlag | null, n: number) =>
      el(
        'button',
        {
          className: `chip${filter === flag ? ' chip-on' : ''}`,
          testId: 'camera-review-filter',
          dataset: { flag: flag ?? 'all' },
          attrs: { type: 'button', 'aria-pressed': filter === flag },
          on: { click: () => ((filter = flag), (selectedLine = null), (move = null), ticked.clear(), void loadQueue(true)) },
        },
        [
          flag === null ? t('review.allFlags') : t(`review.flag.${flag}`),
          ' ',
          el('span', { className: 'chip-count' }, [n.toLocaleString(currentLanguage())]),
        ],
      );
    const bulkButton = (
      key: string,
      testId: string,
      values: Record<string, string | number>,
      run: () => Promise<{ message: string; accepted: boolean }>,
    ) => el('button', { testId, attrs: { type: 'button', disabled: busy }, on: { click: () => void act(run) } }, [t(key, values)]);
    const lines = [...ticked];
    replaceChildren(queueElement, [
      el('h3', {}, [t('review.queue')]),
      el('div', { className: 'chips' }, [
        chip(null, total),
        ...QA_FLAGS.filter((f) => (counts[f] ?? 0) > 0 || filter === f).map((f) => chip(f, counts[f] ?? 0)),
      ]),
      el('div', { className: 'camera-review-bulk' }, [
        filter
          ? bulkButton('review.acceptAll', 'camera-review-accept-all', { flag: t(`review.flag.${filter}`) }, async () => {
              const answer = await cameraReviewApi.bulk(id, 'accept', { flag: filter as QaFlag });
              return { message: t('review.accepted', { count: answer.rows }), accepted: answer.rows > 0 };
            })
          : null,
        filter
          ? bulkButton('review.rejectAll', 'camera-review-reject-all', { flag: t(`review.flag.${filter}`) }, async () => {
              const answer = await cameraReviewApi.bulk(id, 'reject', { flag: filter as QaFlag });
              return { message: t('review.rejected', { count: answer.rows }), accepted: false };
            })
          : null,
        lines.length > 0
          ? bulkButton('review.acceptSelected', 'camera-review-accept-selected', { count: lines.length }, async () => {
              const answer = await cameraReviewApi.bulk(id, 'accept', { lines });
              ticked.clear();
              return { message: t('review.accepted', { count: answer.rows }), accepted: answer.rows > 0 };
            })
          : null,
        lines.length > 0
          ? bulkButton('review.rejectSelected', 'camera-review-reject-selected', { count: lines.length }, async () => {
              const answer = await cameraReviewApi.bulk(id, 'reject', { lines });
              ticked.clear();
              return { message: t('review.rejected', { count: answer.rows }), accepted: false };
            })
          : null,
      ]),
      cameras.length === 0 ? el('p', { className: 'muted' }, [t('review.empty')]) : null,
      cameras.length === QUEUE_LIMIT ? el('p', { className: 'muted' }, [t('review.more', { count: QUEUE_LIMIT })]) : null,
      el(
        'ul',
        { className: 'camera-review-list' },
        cameras.map((c) =>
          el(
            'li',
            { className: c.line === selectedLine ? 'selected' : '', testId: 'camera-review-item', dataset: { line: String(c.line), code: c.code } },
            [
              el('input', {
                attrs: { type: 'checkbox', checked: ticked.has(c.line), 'aria-label': c.code },
                testId: 'camera-review-tick',
                on: { change: (e) => ((e.target as HTMLInputElement).checked ? ticked.add(c.line) : ticked.delete(c.line), renderQueue()) },
              }),
              el('button', { className: 'link-button', attrs: { type: 'button' }, on: { click: () => select(c.line) } }, [c.code]),
              el('span', { className: 'muted' }, [` ${c.name} · `, c.flags.map((f) => t(`review.flag.${f}`)).join('、')]),
            ],
          ),
        ),
      ),
    ]);
  };

  const render = () => {
    form.render();
    renderQueue();
    renderDetail();
    replaceChildren(element, [
      el(
        'button',
        {
          className: 'panel-close',
          attrs: { type: 'button', title: t('closePanel'), 'aria-label': t('closePanel') },
          on: { click: () => options.onClose() },
        },
        ['×'],
      ),
      el('h2', {}, [t('review.title')]),
      form.element,
      queueElement,
      detailElement,
    ]);
  };
  render();

  return {
    element,
    render,
    pickAt(point) {
      let best: { line: number; d: number } | null = null;
      for (const c of cameras) {
        const p = consoleMap.map.project([c.lon, c.lat]);
        const d = Math.hypot(p.x - point.x, p.y - point.y);
        if (d <= PICK_PIXELS && (!best || d < best.d)) best = { line: c.line, d };
      }
      if (!best) return false;
      select(best.line);
      return true;
    },
    setActive(next) {
      if (next === active) return;
      active = next;
      stopDrag?.();
      stopDrag = null;
      if (active) {
        stopDrag = attachPointDrag(consoleMap.map, {
          position: () => (selectedLine === null ? null : drawnPosition(drawing(), selectedLine)),
          onMove: (at) => {
            if (selectedLine === null) return;
            move = { line: selectedLine, dropped: at, snapped: null, phase: 'dragging' };
            draw();
          },
          onDrop: (at) => {
            if (selectedLine !== null) void snapDrop(selectedLine, at);
          },
        });
      } else {
        move = null;
      }
      draw();
    },
  };
}
