/**
 * Incident detail (right panel): the case, its deadline and escalation, actions with reasons when disabled,
 * recommended workers by ETA (route on the map on hover / choice), photos, reporters and the timeline.
 */
import { apiGet, apiPost } from '../api/api-client.js';
import type { Account, Department, IncidentDetail, Recommendations, RecommendedResponder } from '../api/api-types.js';
import { describeError } from '../app/api-error-text.js';
import { el, replaceChildren } from '../app/dom.js';
import { categoryName, formatDeadline, formatTime } from '../app/format.js';
import { currentLanguage, hasMessage, t } from '../i18n.js';
import { createActionForm, type ActionFields, type FieldKind } from './action-form.js';
import { actionStates, type ConsoleAction } from './incident-actions.js';
import { createRecommendationsList } from './recommendations-list.js';

const RECOMMENDING_STATES = new Set(['reported', 'accepted']);
const RECOMMENDING_ROLES = new Set(['dispatcher', 'supervisor', 'admin']);
const FORMS: Partial<Record<ConsoleAction, FieldKind[]>> = {
  reject: ['reason'],
  return: ['reason'],
  verify_fail: ['reason'],
  reopen: ['reason'],
  escalate: ['reason'],
  evaluate: ['satisfaction'],
  summon: ['department', 'note'],
  close: ['publicNote'],
};

export interface IncidentDetailPanel {
  element: HTMLElement;
  open(id: number): Promise<void>;
  currentId(): number | null;
  /** Runs an action as if its button was pressed (shortcuts); false when it is disabled. */
  trigger(action: ConsoleAction): boolean;
  /** Chooses the top recommendation and dispatches to it. */
  dispatchTop(): boolean;
  refresh(): void;
  render(): void;
}

export function createIncidentDetailPanel(options: {
  account: Account;
  categories: Map<string, { name_zh: string; name_en: string }>;
  workerName(code: string): string | null;
  showRoute(route: [number, number][] | null): void;
  onShown(detail: IncidentDetail): void;
  onClose(): void;
  notify(text: string, kind?: 'info' | 'error'): void;
}): IncidentDetailPanel {
  const element = el('section', { className: 'panel detail-panel', testId: 'incident-detail' });
  let id: number | null = null;
  let detail: IncidentDetail | null = null;
  let responders: RecommendedResponder[] | null = null;
  let chosen: RecommendedResponder | null = null;
  let failure: unknown = null;
  let busy = false;
  let recommending = false;
  let form: ConsoleAction | null = null;
  let departments: Department[] = [];
  let loadCount = 0;
  /** A live change arrived while an action form was open: reload once the form closes (keeps what was typed). */
  let refreshPending = false;

  const routeOf = (r: RecommendedResponder | null) => r?.route ?? null;

  async function load(keepChoice: boolean): Promise<void> {
    if (id === null) return;
    const mine = ++loadCount;
    const target = id;
    let next: IncidentDetail;
    try {
      next = await apiGet<IncidentDetail>(`/api/incidents/${target}`);
    } catch (error) {
      if (mine !== loadCount) return;
      failure = error;
      return render();
    }
    if (mine !== loadCount) return;
    detail = next;
    failure = null;
    options.onShown(next);
    const wantsRecommendations = RECOMMENDING_ROLES.has(options.account.role) && RECOMMENDING_STATES.has(next.incident.state);
    if (!wantsRecommendations) {
      responders = null;
      chosen = null;
      options.showRoute(null);
      return render();
    }
    // The case shows at once; the ranking by road follows.
    if (!keepChoice || responders === null) recommending = true;
    render();
    const recommended = await apiGet<Recommendations>(`/api/incidents/${target}/recommendations?limit=5`).catch((error: unknown) => {
      if (mine === loadCount) options.notify(describeError(error), 'error');
      return null;
    });
    if (mine !== loadCount) return;
    recommending = false;
    responders = recommended?.responders ?? [];
    chosen = keepChoice && chosen && responders.some((r) => r.workerCode === chosen!.workerCode) ? chosen : null;
    options.showRoute(routeOf(chosen));
    render();
  }

  async function send(action: ConsoleAction, fields: ActionFields = {}): Promise<void> {
    if (!detail || busy) return;
    const incidentId = detail.incident.id;
    busy = true;
    render();
    try {
      if (action === 'summon') {
        await apiPost(`/api/incidents/${incidentId}/summons`, { departmentCode: fields.departmentCode, note: fields.note });
      } else if (action === 'escalate') {
        await apiPost(`/api/incidents/${incidentId}/escalate`, { reason: fields.reason });
      } else if (action === 'dispatch') {
        if (!chosen) return;
        if (detail.incident.state === 'reported') await apiPost(`/api/incidents/${incidentId}/events`, { type: 'accept' });
        await apiPost(`/api/incidents/${incidentId}/events`, { type: 'dispatch', workerCode: chosen.workerCode });
      } else {
        const body: Record<string, unknown> = { type: action };
        if (fields.reason !== undefined) body.reason = fields.reason;
        if (fields.satisfaction !== undefined) body.satisfaction = fields.satisfaction;
        if (fields.publicNote !== undefined) body.publicNote = fields.publicNote;
        await apiPost(`/api/incidents/${incidentId}/events`, body);
      }
      form = null;
      refreshPending = false;
      options.notify(t('done', { action: t(`action.${action}`) }));
      if (action === 'dispatch') chosen = null;
    } catch (error) {
      options.notify(describeError(error), 'error');
    } finally {
      busy = false;
    }
    await load(action !== 'dispatch');
  }

  function press(action: ConsoleAction): void {
    const fields = FORMS[action];
    if (!fields) return void send(action);
    if (action === 'summon' && departments.length === 0) {
      apiGet<{ departments: Department[] }>('/api/departments')
        .then((answer) => {
          departments = answer.departments;
          form = action;
          render();
        })
        .catch((error) => options.notify(describeError(error), 'error'));
      return;
    }
    form = action;
    render();
  }

  function actionBar(): HTMLElement {
    const states = actionStates(detail!.incident, { id: options.account.id, role: options.account.role }, chosen?.workerCode ?? null);
    return el(
      'div',
      { className: 'action-bar', testId: 'incident-actions' },
      states
        .filter((s) => s.visible)
        .map((s) => {
          const reason = busy ? 'busy' : s.reason;
          const label =
            s.action === 'dispatch' && chosen
              ? t('dispatchTo', { worker: chosen.name || (options.workerName(chosen.workerCode) ?? chosen.workerCode) })
              : t(`action.${s.action}`);
          return el(
            'button',
            {
              className: s.action === 'dispatch' || s.action === 'accept' ? 'primary' : '',
              dataset: { action: s.action },
              attrs: {
                type: 'button',
                'aria-disabled': reason ? 'true' : 'false',
                title: reason ? t(`disabled.${reason}`, { state: t(`state.${detail!.incident.state}`) }) : null,
              },
              on: { click: () => !reason && press(s.action) },
            },
            [label],
          );
        }),
    );
  }

  function render(): void {
    const close = el(
      'button',
      {
        className: 'panel-close',
        attrs: { type: 'button', title: t('closePanel'), 'aria-label': t('closePanel') },
        on: { click: () => options.onClose() },
      },
      ['×'],
    );
    if (failure && !detail)
      return replaceChildren(element, [
        close,
        el('h2', {}, [t('detailTitle')]),
        el('p', { className: 'error-text', attrs: { role: 'alert' } }, [describeError(failure)]),
      ]);
    if (!detail) return replaceChildren(element, [close, el('h2', {}, [t('detailTitle')]), el('p', { className: 'muted' }, [t('loading')])]);
    const i = detail.incident;
    const now = Date.now();
    const fact = (key: string, value: string | null) =>
      value ? el('div', { className: 'fact' }, [el('dt', {}, [t(key)]), el('dd', {}, [value])]) : null;
    replaceChildren(element, [
      close,
      el('h2', { testId: 'incident-number' }, [el('span', { className: `grade-dot grade-${i.grade}` }), ' ', i.number]),
      el('p', { className: 'detail-tags' }, [
        el('span', { className: `badge grade-${i.grade}` }, [t(`grade.${i.grade}`)]),
        el('span', { className: 'badge', testId: 'incident-state' }, [t(`state.${i.state}`)]),
        i.overdue ? el('span', { className: 'badge badge-overdue' }, [t('overdue')]) : null,
        i.generated ? el('span', { className: 'badge' }, [t('generatedBadge')]) : null,
        ' ',
        categoryName(options.categories, i.category),
        ' · ',
        t(`source.${i.source}`),
      ]),
      el('p', { className: 'description' }, [i.description]),
      el('dl', { className: 'facts' }, [
        fact('location', [i.address, i.micro_grid_code].filter(Boolean).join(' · ')),
        fact('deadline', i.deadline_at ? `${formatDeadline(i.deadline_at, now)} (${formatTime(i.deadline_at)})` : null),
        fact('escalationLevel', t(`escalation.${i.escalation_level}`)),
        fact('assignedWorker', i.assigned_worker_code ? (options.workerName(i.assigned_worker_code) ?? i.assigned_worker_code) : null),
      ]),
      actionBar(),
      form
        ? createActionForm({
            title: t(`action.${form}`),
            fields: FORMS[form]!,
            departments,
            onSubmit: (values) => void send(form!, values),
            onCancel: () => {
              form = null;
              if (refreshPending) {
                refreshPending = false;
                void load(true);
              }
              render();
            },
          })
        : null,
      recommending
        ? el('div', { className: 'panel-section' }, [
            el('h3', {}, [t('recommendations')]),
            el('p', { className: 'muted' }, [t('recommendationsLoading')]),
          ])
        : responders !== null
          ? el('div', { className: 'panel-section' }, [
              el('h3', {}, [t('recommendations')]),
              createRecommendationsList({
                responders,
                chosen: chosen?.workerCode ?? null,
                workerName: options.workerName,
                onHover: (r) => options.showRoute(routeOf(r ?? chosen)),
                onChoose: (r) => {
                  chosen = r;
                  options.showRoute(routeOf(r));
                  render();
                },
              }),
            ])
          : null,
      detail.summonses && detail.summonses.length > 0
        ? el('div', { className: 'panel-section' }, [
            el('h3', {}, [t('summonses')]),
            el(
              'ul',
              { className: 'plain-list', testId: 'summonses' },
              detail.summonses.map((s) =>
                el('li', { className: s.overdue ? 'is-overdue' : '' }, [
                  currentLanguage() === 'en' ? s.department_name_en : s.department_name_zh,
                  ' · ',
                  t(`summons.${s.state}`),
                  ' · ',
                  s.state === 'reported' && s.reported_at ? formatTime(s.reported_at) : formatDeadline(s.deadline_at, now),
                  s.report_note ? ` · ${s.report_note}` : '',
                ]),
              ),
            ),
          ])
        : null,
      detail.photos && detail.photos.length > 0
        ? el('div', { className: 'panel-section' }, [
            el('h3', {}, [t('photos')]),
            el(
              'div',
              { className: 'photos' },
              detail.photos.map((p) =>
                el('img', { attrs: { src: p.url ?? `/api/incidents/${i.id}/photos/${p.id}`, alt: t('photos'), loading: 'lazy' } }),
              ),
            ),
          ])
        : null,
      detail.reports && detail.reports.length > 0
        ? el('div', { className: 'panel-section' }, [
            el('h3', {}, [t('reporters')]),
            el(
              'ul',
              { className: 'plain-list' },
              detail.reports.map((r) =>
                el('li', {}, [
                  formatTime(r.received_at),
                  ' · ',
                  t(`source.${r.source}`),
                  r.reporter_name ? ` · ${r.reporter_name}` : '',
                  r.reporter_phone ? ` · ${r.reporter_phone}` : '',
                ]),
              ),
            ),
          ])
        : null,
      el('div', { className: 'panel-section' }, [
        el('h3', {}, [t('timeline')]),
        el(
          'ol',
          { className: 'timeline', testId: 'timeline' },
          detail.timeline.map((entry) =>
            el('li', {}, [
              el('time', {}, [formatTime(entry.at)]),
              ' ',
              hasMessage(`event.${entry.event}`) ? t(`event.${entry.event}`) : entry.event,
              entry.to_state && entry.to_state !== entry.from_state ? ` → ${t(`state.${entry.to_state}`)}` : '',
              entry.worker_code ? ` · ${options.workerName(entry.worker_code) ?? entry.worker_code}` : '',
              entry.actor_role ? ` · ${t(`role.${entry.actor_role}`)}` : '',
              entry.public_note ? el('q', { className: 'public-note', attrs: { title: t('publicNotePrompt') } }, [entry.public_note]) : null,
            ]),
          ),
        ),
      ]),
    ]);
  }

  return {
    element,
    async open(next) {
      if (next !== id) {
        detail = null;
        responders = null;
        recommending = false;
        chosen = null;
        form = null;
        failure = null;
        options.showRoute(null);
      }
      id = next;
      render();
      await load(true);
    },
    currentId: () => id,
    trigger(action) {
      if (!detail || busy) return false;
      const state = actionStates(detail.incident, { id: options.account.id, role: options.account.role }, chosen?.workerCode ?? null).find(
        (s) => s.action === action,
      );
      if (!state?.enabled) {
        if (state?.reason) options.notify(t(`disabled.${state.reason}`, { state: t(`state.${detail.incident.state}`) }), 'error');
        return false;
      }
      press(action);
      return true;
    },
    dispatchTop() {
      const top = responders?.find((r) => r.reachable) ?? responders?.[0];
      if (!detail || !top) return false;
      chosen = top;
      options.showRoute(routeOf(top));
      render();
      return this.trigger('dispatch');
    },
    refresh() {
      if (form !== null) refreshPending = true;
      else void load(true);
    },
    render,
  };
}
