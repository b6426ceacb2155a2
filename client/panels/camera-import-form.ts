/**
 * The import half of the camera-position review: choose a CSV / GeoJSON file and declare its coordinate system,
 * import (POST /api/cameras/imports: parsed, staged and checked on the server), then the batch's report: counts,
 * the rows refused with their line and reason, the flags with their counts, the batch's GCJ-02 verdict.
 */
import { describeError } from '../app/api-error-text.js';
import { el, replaceChildren } from '../app/dom.js';
import { currentLanguage, t } from '../i18n.js';
import { cameraReviewApi, IMPORT_CRS, importContentType, type ImportBatch, type ImportCrs } from '../video/camera-review-api.js';

/** Refused rows listed in the report (all are counted). */
const ROW_ERRORS_SHOWN = 50;

export interface CameraImportForm {
  element: HTMLElement;
  render(): void;
  /** Shows a batch's report (after an import, or a refresh after review actions). */
  showReport(batch: ImportBatch | null): void;
}

export function createCameraImportForm(options: { onImported(batch: ImportBatch): void }): CameraImportForm {
  const element = el('div', { className: 'camera-import', testId: 'camera-import' });
  const file = el('input', { testId: 'camera-import-file', attrs: { type: 'file', accept: '.csv,.geojson,.json' } });
  const crs = el('select', { testId: 'camera-import-crs' });
  const status = el('p', { className: 'muted', testId: 'camera-import-status', attrs: { role: 'status' } });
  const report = el('div', { className: 'camera-import-report', testId: 'camera-import-report' });
  let busy = false;
  let batch: ImportBatch | null = null;
  let statusKey: { key: string; error?: string } | null = null;

  const submit = async () => {
    const chosen = file.files?.[0];
    const type = chosen ? importContentType(chosen.name) : null;
    if (!chosen || !type) {
      statusKey = { key: 'review.chooseFile' };
      return render();
    }
    busy = true;
    statusKey = { key: 'review.importing' };
    render();
    try {
      const answer = await cameraReviewApi.importFile(chosen.name, await chosen.text(), crs.value as ImportCrs, type);
      statusKey = null;
      batch = answer;
      options.onImported(answer);
    } catch (error) {
      statusKey = { key: 'error', error: describeError(error) };
    } finally {
      busy = false;
      render();
    }
  };
  const button = el('button', {
    className: 'primary',
    testId: 'camera-import-submit',
    attrs: { type: 'button' },
    on: { click: () => void submit() },
  });

  const renderReport = () => {
    if (!batch) return replaceChildren(report, []);
    const b = batch;
    const number = (n: number | undefined) => (n ?? 0).toLocaleString(currentLanguage());
    const share = (v: number | null) => (v === null ? '–' : (v * 100).toFixed(1));
    const flags = Object.entries(b.flagCounts).sort((x, y) => (y[1] ?? 0) - (x[1] ?? 0));
    replaceChildren(report, [
      el('h3', {}, [t('review.report', { name: b.fileName })]),
      el('p', { testId: 'camera-import-counts' }, [
        t('review.counts', { staged: number(b.rowsStaged), refused: number(b.rowsRefused), clean: number(b.cleanRows) }),
      ]),
      el('p', { testId: 'camera-review-states' }, [
        t('review.states', {
          pending: number(b.flaggedByState.pending),
          accepted: number(b.flaggedByState.accepted),
          rejected: number(b.flaggedByState.rejected),
        }),
      ]),
      b.gcj02.onRoadShareGcj02 === null
        ? null
        : el('p', { className: b.gcj02.likely ? 'error-text' : 'muted', testId: 'camera-import-verdict' }, [
            t(b.gcj02.likely ? 'review.batchGcj' : 'review.batchNotGcj', {
              given: share(b.gcj02.onRoadShareGiven),
              gcj: share(b.gcj02.onRoadShareGcj02),
            }),
          ]),
      flags.length === 0
        ? null
        : el('table', { className: 'counts camera-flag-counts', testId: 'camera-flag-counts' }, [
            el(
              'tbody',
              {},
              flags.map(([flag, n]) =>
                el('tr', { dataset: { flag } }, [el('td', {}, [t(`review.flag.${flag}`)]), el('td', { className: 'count' }, [number(n)])]),
              ),
            ),
          ]),
      b.rowsRefused === 0
        ? null
        : el('details', { testId: 'camera-import-errors' }, [
            el('summary', {}, [t('review.rowErrors', { count: number(b.rowsRefused) })]),
            el(
              'ul',
              {},
              b.rowErrors
                .slice(0, ROW_ERRORS_SHOWN)
                .map((e) => el('li', { dataset: { line: String(e.line) } }, [t('review.rowError', { line: e.line, reason: e.reason })])),
            ),
          ]),
    ]);
  };

  const render = () => {
    const selected = crs.value || 'wgs84';
    replaceChildren(
      crs,
      IMPORT_CRS.map((c) => el('option', { attrs: { value: c, selected: c === selected } }, [t(`review.crs.${c}`)])),
    );
    crs.value = selected;
    button.textContent = t('review.import');
    button.disabled = busy;
    status.textContent = statusKey === null ? '' : statusKey.key === 'error' ? (statusKey.error ?? '') : t(statusKey.key);
    status.className = statusKey?.key === 'error' || statusKey?.key === 'review.chooseFile' ? 'error-text' : 'muted';
    replaceChildren(element, [
      el('label', { className: 'field' }, [t('review.file'), file]),
      el('label', { className: 'field' }, [t('review.crs'), crs]),
      button,
      status,
      report,
    ]);
    renderReport();
  };
  render();
  return {
    element,
    render,
    showReport(next) {
      batch = next;
      renderReport();
    },
  };
}
