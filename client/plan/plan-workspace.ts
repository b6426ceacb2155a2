/**
 * The planner's workspace (/plan.html): a community's micro-grids coloured by grid, a brush that paints them into a
 * grid (click or drag), the balance recomputed in the page after each stroke from the figures the server sent
 * (plan-balance.ts, shared with the server) and then confirmed by the server's own validation and balance, the
 * validation messages by reason code, one undo/redo history over immutable snapshots of the whole draft (paints,
 * splits, merges, reshapes: buttons, Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y; edit-history.ts) kept to what the server's draft
 * holds (a refused snapshot settles back to the last stored one; each stored snapshot's answer is kept, so an undo
 * shows its pieces and validation at once), submit / approve / publish as the
 * plan's state and the account allow (plan-lifecycle.ts, shared). Splits and merges: structure-panel.ts; the
 * plan's version history: plan-history-view.ts; the balance table: balance-table.ts; issues and diff line:
 * validation-list.ts; re-partition: repartition-panel.ts; undo keys: undo-shortcuts.ts. URL: ?community=CODE or ?plan=ID.
 */
import { ApiError, apiGet, apiPost, apiRequest } from '../api/api-client.js';
import type { Account, PaintableMap, Plan, PlanDraft, PlanFigures, PlanPublication, PlanStructure, SnapLines } from '../api/api-types.js';
import { describeError } from '../app/api-error-text.js';
import { el, replaceChildren } from '../app/dom.js';
import { currentLanguage, onLanguageChange, registerMessages, setLanguage, t } from '../i18n.js';
import { computeBalance, type FigureRow } from '../../server/plans/plan-balance.js';
import { renderBalanceTable } from './balance-table.js';
import { paintDiffText, renderValidationList } from './validation-list.js';
import type { PlanAction } from '../../server/plans/plan-lifecycle.js';
import { planActionRefusal, showPlanAction } from './plan-actions.js';
import { gridColour, gridSwatch } from './grid-swatches.js';
import type { PlanValidation } from '../../server/plans/plan-reason-codes.js';
import {
  draftEditsOf,
  paintEdits,
  record,
  redoEdit,
  settle,
  snapshotOf,
  startEditHistory,
  structureEdits,
  undoEdit,
  type DraftSnapshot,
  type EditHistory,
} from './edit-history.js';
import { createPlanMap, type PaintableFeature } from './plan-map.js';
import { planMessages } from './plan-messages.js';
import { isStructural, type StructuralEdit } from '../../server/plans/plan-structure-rules.js';
import { createStructurePanel } from './structure-panel.js';
import { createVersionHistory } from './plan-history-view.js';
import { createExchangePanel } from './exchange-panel.js';
import { createRepartitionPanel } from './repartition-panel.js';
import { bindUndoShortcuts } from './undo-shortcuts.js';

registerMessages(planMessages);

export function mountPlanWorkspace(root: HTMLElement, account: Account): void {
  const params = new URLSearchParams(window.location.search);
  let community = params.get('community') ?? '';
  let plan: Plan | null = null;
  let features: PaintableFeature[] = [];
  let figures: FigureRow[] = [];
  let history: EditHistory = startEditHistory();
  /** The last snapshot the server's draft stored (the truth), and the server's answer for each stored snapshot. */
  let confirmed: DraftSnapshot = history.present;
  const answers = new WeakMap<DraftSnapshot, PlanStructure>();
  let brush: string | null = null;
  let validation: PlanValidation | null = null;
  let message = '';
  /** Whether `message` reports a failure (a stored snapshot clears it; an information stays). */
  let errorShown = false;
  let syncing: Promise<void> = Promise.resolve();

  const title = el('h1');
  const languageButton = el('button', {
    testId: 'language-switch',
    className: 'link-button',
    on: { click: () => setLanguage(currentLanguage() === 'en' ? 'zh-CN' : 'en') },
  });
  const communityInput = el('input', { attrs: { name: 'community', value: community, size: 14 }, testId: 'community-input' });
  const openButton = el('button', { on: { click: () => void openCommunity(communityInput.value.trim()) } });
  const planInfo = el('div', { className: 'plan-info', testId: 'plan-info' });
  const grids = el('div', { className: 'plan-grids', testId: 'plan-grids' });
  const undoButton = el('button', { testId: 'undo', on: { click: () => step(undoEdit(history)) } });
  const redoButton = el('button', { testId: 'redo', on: { click: () => step(redoEdit(history)) } });
  const balanceBox = el('div', { className: 'plan-balance', testId: 'plan-balance' });
  const issuesBox = el('ul', { className: 'plan-issues', testId: 'plan-issues' });
  const diffLine = el('p', { testId: 'plan-diff' });
  const warningReason = el('input', { attrs: { name: 'warningReason', size: 30 }, testId: 'warning-reason' });
  const submitButton = el('button', { testId: 'plan-submit', on: { click: () => void act('submit') } });
  const approveButton = el('button', { testId: 'plan-approve', on: { click: () => void act('approve') } });
  const publishButton = el('button', { testId: 'plan-publish', on: { click: () => void act('publish') } });
  const messageLine = el('p', { className: 'plan-message', testId: 'plan-message', attrs: { role: 'status' } });
  const mapElement = el('div', { className: 'plan-map', testId: 'map' });

  const structure = createStructurePanel({
    map: () => map,
    features: () => features,
    edits: () => history.present.structure,
    commit: (next) => step(structureEdits(history, next)),
    onTool: (tool) => {
      if (tool) {
        brush = null;
        map.setBrush(null);
      }
      render();
    },
    say: (text) => {
      message = text;
      render();
    },
  });
  const versions = createVersionHistory();
  const exchange = createExchangePanel({
    community: () => community,
    draftId: () => (plan && refusal('edit') === null ? plan.id : null),
    newPlanName: () => `${t('plan.defaultName')} ${community}`,
    onImported: async (answer) => {
      await syncing;
      await openCommunity(community, answer.plan);
      answers.set(history.present, { validation: answer.validation, structure: [], structureBalance: [] });
      showAnswer(history.present);
      render();
    },
  });
  const repartition = createRepartitionPanel({
    community: () => community,
    streetMode: () => streetMode(),
    apply: (paint, text) => {
      errorShown = false;
      message = text;
      step(record(history, snapshotOf(paint, history.present.structure)));
    },
    fail: (error) => fail(error),
    selectedGrid: () => brush,
    gridName: (code) => gridNames().get(code) ?? code,
    figures: () => figures,
    addEdit: (edit) => {
      const others = history.present.structure.filter((e) => !(e.op === 'repartition' && e.unit === edit.unit));
      step(structureEdits(history, [...others, edit]));
    },
  });
  replaceChildren(root, [
    el('div', { className: 'plan-layout' }, [
      el('header', { className: 'plan-header' }, [title, el('span', { testId: 'who-am-i' }, [account.displayName]), languageButton]),
      el('aside', { className: 'plan-side' }, [
        el('div', { className: 'plan-open' }, [communityInput, openButton]),
        planInfo,
        grids,
        el('div', { className: 'plan-undo' }, [undoButton, redoButton, repartition.element]),
        structure.tools,
        structure.list,
        balanceBox,
        structure.balance,
        exchange.element,
        versions.element,
      ]),
      mapElement,
      el('footer', { className: 'plan-bottom' }, [
        issuesBox,
        diffLine,
        el('div', { className: 'plan-actions' }, [warningReason, submitButton, approveButton, publishButton]),
        messageLine,
      ]),
    ]),
  ]);
  const map = createPlanMap(mapElement, {
    onStroke: (units) => {
      if (!brush) return;
      step(paintEdits(history, units, brush, homeOf));
    },
    onLine: (coordinates) => structure.onLine(coordinates),
    onPick: (unit) => structure.onPick(unit),
  });
  const allEdits = () => draftEditsOf(history.present);

  /** A street's plan: grids painted between communities (splits, merges and reshapes are for micro-grids). */
  const streetMode = () => community.length === 9;
  const homeOf = (unit: string) => features.find((f) => f.properties.code === unit)?.properties.grid;
  const gridNames = () => new Map(figures.filter((f) => f.kind === 'parent').map((f) => [f.code, f.name]));

  function step(next: EditHistory): void {
    if (next === history) return;
    history = next;
    const started = performance.now();
    map.setAssignment(history.present.paint);
    showAnswer(history.present);
    render();
    balanceBox.dataset.balanceMs = (performance.now() - started).toFixed(1);
    syncing = syncing.then(syncEdits);
  }

  async function syncEdits(): Promise<void> {
    if (!plan || plan.state !== 'draft') {
      if (allEdits().length === 0) return;
      try {
        plan = (await apiPost<{ plan: Plan }>('/api/plans', { name: `${t('plan.defaultName')} ${community}`, scopeCode: community })).plan;
      } catch (error) {
        return refused(history.present, error);
      }
    }
    const sent = history.present;
    if (sent === confirmed && plan.state === 'draft') return render();
    try {
      const answer = await apiRequest<PlanDraft>('PUT', `/api/plans/${plan.id}/edits`, { edits: draftEditsOf(sent) });
      confirmed = sent;
      answers.set(sent, answer);
      plan = answer.plan;
      if (history.present !== sent) return render();
      showAnswer(sent);
      const local = computeBalance(figures, new Map(Object.entries(sent.paint)));
      const server = answer.balance[0]?.balance;
      balanceBox.dataset.serverConfirmed = String(
        !!server && server.units.every((u) => local.units.find((l) => l.code === u.code)?.after.households === u.after.households),
      );
      if (errorShown) message = '';
      errorShown = false;
      render();
    } catch (error) {
      refused(sent, error);
    }
  }

  /** The server refused `sent`: when it is still on screen, back to the snapshot the draft holds. */
  function refused(sent: DraftSnapshot, error: unknown): void {
    if (history.present === sent && sent !== confirmed) {
      history = settle(history, confirmed);
      map.setAssignment(history.present.paint);
      showAnswer(history.present);
      message = t('plan.editRefused', { reason: describeError(error) });
      errorShown = true;
      return render();
    }
    fail(error);
  }

  /** What the server said about a snapshot it stored (pieces, validation), or nothing yet. */
  function showAnswer(snapshot: DraftSnapshot): void {
    const answer = answers.get(snapshot);
    structure.show(answer ?? null);
    validation = answer?.validation ?? null;
  }

  function fail(error: unknown): void {
    message = describeError(error);
    errorShown = true;
    render();
  }

  async function openCommunity(code: string, withPlan: Plan | null = null): Promise<void> {
    // A community paints micro-grids between its grids; a street paints grids between its communities.
    if (!/^(\d{9}|\d{12})$/.test(code)) return;
    community = code;
    communityInput.value = code;
    try {
      const [collection, figureAnswer] = await Promise.all([
        apiGet<PaintableMap>(`/api/plans/map?parent=${code}`),
        apiGet<PlanFigures>(`/api/plans/figures?parent=${code}&level=${streetMode() ? 'grid' : 'micro_grid'}`),
      ]);
      features = collection.features;
      // Roads and river banks to snap split and reshape lines to (a community's; a street has no such tools).
      map.setSnapLines([]);
      if (!streetMode()) {
        void apiGet<SnapLines>(`/api/plans/snap-lines?community=${code}`).then(
          (lines) => code === community && map.setSnapLines(lines.features),
          (error: unknown) => fail(error),
        );
      }
      figures = figureAnswer.figures;
      plan = withPlan;
      const draftEdits = withPlan?.state === 'draft' ? withPlan.edits : [];
      history = startEditHistory(
        snapshotOf(
          Object.fromEntries(draftEdits.flatMap((e) => (isStructural(e) ? [] : [[e.unit, e.to]]))),
          draftEdits.filter(isStructural).map(({ from: _from, ...e }) => e as StructuralEdit),
        ),
      );
      confirmed = history.present;
      structure.reset();
      validation = null;
      const colours = new Map(figures.filter((f) => f.kind === 'parent').map((f, i) => [f.code, gridColour(i)] as const));
      map.show(features, colours);
      map.setAssignment(history.present.paint);
      brush = null;
      map.setBrush(null);
      render();
      if (withPlan && history.present.structure.length > 0) {
        const opened = history.present;
        const answer = await apiGet<PlanStructure>(`/api/plans/${withPlan.id}/structure`);
        answers.set(opened, answer);
        if (history.present === opened) showAnswer(opened);
        render();
      }
    } catch (error) {
      fail(error);
    }
  }

  async function act(action: 'submit' | 'approve' | 'publish'): Promise<void> {
    if (!plan) return;
    await syncing;
    try {
      const body = action === 'submit' && warningReason.value.trim() ? { warningReason: warningReason.value.trim() } : {};
      // Submit and approve answer { plan }; publish adds what publication did (null when scheduled).
      const answer = await apiPost<Partial<PlanPublication> & { plan: Plan }>(`/api/plans/${plan.id}/${action}`, body);
      plan = answer.plan;
      if (answer.publication) {
        message = t('plan.published', {
          version: answer.publication.version,
          moved: answer.publication.moved.length + (answer.publication.restructured?.length ?? 0),
          incidents: answer.publication.relocatedIncidents,
        });
        const done = message;
        await openCommunity(community, null);
        void versions.refresh();
        message = done;
      }
      render();
    } catch (error) {
      fail(error);
    }
  }

  function refusal(action: PlanAction): string | null {
    return planActionRefusal(plan, account, action);
  }
  function setAction(button: HTMLButtonElement, action: PlanAction, label: string, extra: string | null = null): void {
    showPlanAction(button, refusal(action), label, extra);
  }

  function render(): void {
    title.textContent = t('plan.title');
    document.title = t('plan.title');
    languageButton.textContent = t('plan.language');
    openButton.textContent = t('plan.open');
    communityInput.placeholder = t('plan.community');
    structure.tools.hidden = streetMode();
    undoButton.textContent = t('plan.undo');
    redoButton.textContent = t('plan.redo');
    repartition.render();
    undoButton.disabled = history.past.length === 0;
    redoButton.disabled = history.future.length === 0;
    warningReason.placeholder = t('plan.warningReason');
    planInfo.dataset.planId = plan ? String(plan.id) : '';
    planInfo.dataset.synced = String(history.present === confirmed);
    replaceChildren(
      planInfo,
      plan
        ? [
            el('strong', {}, [plan.name]),
            ' · ',
            el('span', { testId: 'plan-state' }, [t(`plan.state.${plan.state}`)]),
            el('div', {}, [t('plan.basedOn', { version: plan.based_on_version })]),
          ]
        : [t('plan.brushHint')],
    );
    const names = gridNames();
    replaceChildren(grids, [
      el('div', { className: 'plan-grids-title', testId: 'brush-title' }, [t(streetMode() ? 'plan.brushStreet' : 'plan.brush')]),
      ...[...names].map(([code, name], i) =>
        gridSwatch(code, name, i, brush === code, () => {
          brush = code;
          map.setBrush(code);
          structure.cancelTool();
          render();
        }),
      ),
    ]);
    renderBalanceTable(balanceBox, { figures, paint: history.present.paint, names, streetMode: streetMode() });
    renderValidationList(issuesBox, validation, names);
    diffLine.textContent = paintDiffText(figures, history.present.paint, streetMode());
    structure.render();
    exchange.render();
    const dirty = plan?.state === 'draft' && allEdits().length === 0 ? 'plan_empty' : null;
    setAction(submitButton, 'submit', t('plan.submit'), dirty ?? (validation && !validation.valid ? 'plan_invalid' : null));
    setAction(approveButton, 'approve', t('plan.approve'));
    setAction(publishButton, 'publish', t('plan.publish'));
    messageLine.textContent = message;
  }

  onLanguageChange(() => {
    render();
    versions.render();
  });
  void versions.refresh();
  bindUndoShortcuts(window, { undo: () => step(undoEdit(history)), redo: () => step(redoEdit(history)) });
  render();
  const planId = params.get('plan');
  if (planId && /^\d+$/.test(planId)) {
    apiGet<{ plan: Plan }>(`/api/plans/${planId}`).then(
      (answer) => void openCommunity(answer.plan.scope_code, answer.plan),
      (error: unknown) => fail(error instanceof ApiError ? error : new ApiError(0, 'unknown', '')),
    );
  } else if (community) void openCommunity(community);
}
