/**
 * GeoPackage in the planner's workspace (files QGIS and GDAL read and write): download the draft's grids
 * (GET /api/plans/:id/geopackage) or the community's published grids (GET /api/plans/layer/geopackage), and
 * import a GeoPackage of grid polygons into the draft (PUT /api/plans/:id/geopackage, the file's CRS chosen:
 * WGS84, CGCS2000 or GCJ-02). The server converts with ogr2ogr and validates the import like painted edits; its
 * refusal is shown as a report (the reason, the feature it names, the micro-grids no grid or two grids hold).
 * After an import the workspace reopens the draft the server now holds (it is the truth; the undo history starts
 * again from it).
 */
import { ApiError, apiPost, apiUpload } from '../api/api-client.js';
import { describeError } from '../app/api-error-text.js';
import { el, replaceChildren } from '../app/dom.js';
import { t } from '../i18n.js';
import type { Plan, PlanImport } from '../api/api-types.js';
import { GEOPACKAGE_TYPE } from '../../server/plans/plan-file-types.js';

export interface ExchangePanel {
  element: HTMLElement;
  render(): void;
}

export function createExchangePanel(options: {
  community: () => string;
  /** The open plan when it is a draft the account may edit, else null (an import then makes a new draft). */
  draftId: () => number | null;
  newPlanName: () => string;
  onImported: (answer: PlanImport) => Promise<void>;
}): ExchangePanel {
  let report: string[] = [];
  let busy = false;
  const heading = el('h2');
  const draftLink = el('a', { testId: 'export-draft-gpkg', className: 'button-link' });
  const layerLink = el('a', { testId: 'export-layer-gpkg', className: 'button-link' });
  const crs = el('select', { testId: 'import-crs', attrs: { name: 'crs' } }, [
    el('option', { attrs: { value: 'wgs84' } }, ['WGS84']),
    el('option', { attrs: { value: 'cgcs2000' } }, ['CGCS2000']),
    el('option', { attrs: { value: 'gcj02' } }, ['GCJ-02']),
  ]);
  const file = el('input', { testId: 'import-gpkg-file', attrs: { type: 'file', accept: `.gpkg,${GEOPACKAGE_TYPE}` } });
  const importButton = el('button', { testId: 'import-gpkg', on: { click: () => void upload() } });
  const reportList = el('ul', { className: 'plan-import-report', testId: 'import-report', attrs: { role: 'status' } });
  const element = el('section', { className: 'plan-exchange', testId: 'plan-exchange' }, [
    heading,
    el('div', { className: 'plan-exchange-row' }, [draftLink, layerLink]),
    el('div', { className: 'plan-exchange-row' }, [file, crs, importButton]),
    reportList,
  ]);

  async function upload(): Promise<void> {
    const chosen = file.files?.[0];
    if (!chosen || busy || !/^\d{12}$/.test(options.community())) return;
    busy = true;
    report = [t('plan.exchange.importing')];
    render();
    try {
      let id = options.draftId();
      if (id === null) {
        id = (await apiPost<{ plan: Plan }>('/api/plans', { name: options.newPlanName(), scopeCode: options.community() })).plan.id;
      }
      const answer = await apiUpload<PlanImport>(`/api/plans/${id}/geopackage?crs=${crs.value}`, chosen, GEOPACKAGE_TYPE);
      report = [t('plan.exchange.imported', { errors: answer.validation.errors, warnings: answer.validation.warnings })];
      file.value = '';
      await options.onImported(answer);
    } catch (error) {
      report = reportOf(error);
    } finally {
      busy = false;
      render();
    }
  }

  function render(): void {
    heading.textContent = t('plan.exchange.title');
    const community = options.community();
    const draft = options.draftId();
    draftLink.textContent = t('plan.exchange.exportDraft');
    layerLink.textContent = t('plan.exchange.exportLayer');
    importButton.textContent = t('plan.exchange.import');
    importButton.disabled = busy || !/^\d{12}$/.test(community);
    setLink(draftLink, draft === null ? null : `/api/plans/${draft}/geopackage`);
    setLink(layerLink, /^\d{12}$/.test(community) ? `/api/plans/layer/geopackage?community=${community}` : null);
    replaceChildren(
      reportList,
      report.map((line) => el('li', {}, [line])),
    );
  }
  return { element, render };
}

function setLink(link: HTMLAnchorElement, href: string | null): void {
  if (href) {
    link.href = href;
    link.setAttribute('download', '');
    link.removeAttribute('aria-disabled');
  } else {
    link.removeAttribute('href');
    link.setAttribute('aria-disabled', 'true');
  }
}

/** The server's refusal of an import, line by line: the reason, then what it names. */
export function reportOf(error: unknown): string[] {
  const lines = [describeError(error)];
  if (!(error instanceof ApiError)) return lines;
  const d = error.details;
  if (typeof d.feature === 'number')
    lines.push(t('plan.exchange.feature', { feature: d.feature + 1, code: typeof d.code === 'string' ? d.code : '—' }));
  for (const key of ['unassigned', 'ambiguous'] as const) {
    const codes = d[key];
    if (Array.isArray(codes) && codes.length > 0) lines.push(t(`plan.exchange.${key}`, { count: codes.length, codes: codes.slice(0, 8).join(', ') }));
  }
  const issues = d.issues;
  if (Array.isArray(issues)) {
    for (const issue of issues.slice(0, 8) as { reason: string; unit: string | null }[]) {
      lines.push(`${issue.reason}: ${t(`plan.reason.${issue.reason}`)}${issue.unit ? ` (${issue.unit})` : ''}`);
    }
  }
  return lines;
}
