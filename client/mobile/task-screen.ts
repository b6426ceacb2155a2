/**
 * "My task": nothing (go on / off duty), an offer (the countdown is the biggest thing on the screen; accept or
 * decline with a reason), on the way (map, road route, distance and ETA; "on scene"), on scene (note, photos,
 * resolve). Each step goes through the outbox, so it is kept and sent later when the network is gone; a step
 * still waiting moves the screen on at once, marked as waiting to be sent.
 */
import type { AnswerOf } from '../../server/contract/api-route.js';
import type { fieldRouteRoute } from '../../server/field/field-contract.js';
import { apiGet, query } from '../api/api-client.js';
import { el, replaceChildren } from '../app/dom.js';
import { t } from '../i18n.js';
import type { FieldContext, FieldTask } from './field-context.js';
import { categoryName, formatMetres } from './mobile-format.js';
import { countdownUrgency, formatCountdown, remainingMs } from './offer-countdown.js';
import type { OutboxItem } from './outbox-rules.js';
import { photoPicker, type PhotoPicker } from './photo-picker.js';
import { describeOutboxError } from './outbox-view.js';
import { checkPublicNote, PUBLIC_NOTE_MAX } from '../../server/incidents/public-note.js';

const DECLINE_REASONS = ['busy_elsewhere', 'too_far', 'lacks_skill', 'off_shift'] as const;

/**
 * What the worker typed and photographed on scene, kept across re-draws of the screen (the arrival being sent,
 * the refresh after it, a live update) until the case is resolved: a re-draw must never wipe a note or a photo.
 */
const sceneDrafts = new Map<number, SceneDraft>();
type SceneDraft = { note: string; publicNote: string; photos: PhotoPicker };

function sceneDraft(ctx: FieldContext, incidentId: number): SceneDraft {
  for (const id of sceneDrafts.keys()) if (id !== incidentId) sceneDrafts.delete(id);
  let draft = sceneDrafts.get(incidentId);
  if (!draft) {
    draft = { note: '', publicNote: '', photos: photoPicker(ctx) };
    sceneDrafts.set(incidentId, draft);
  }
  return draft;
}

/** Where the case stands for this phone: the server's state moved on by steps still waiting in the outbox. */
export function effectiveStage(task: FieldTask, waiting: readonly OutboxItem[]): 'offer' | 'en_route' | 'on_scene' | 'done' {
  const mine = waiting.filter((i) => i.incidentId === task.id && (i.state === 'queued' || i.state === 'sending'));
  const has = (type: string) =>
    mine.some((i) => (i.kind === 'arrive' && type === 'arrive') || (i.json as { type?: string } | undefined)?.type === type);
  if (has('resolve') || has('decline')) return 'done';
  if (task.state === 'on_scene' || has('arrive')) return 'on_scene';
  if (task.offer_acknowledged || has('acknowledge')) return 'en_route';
  return 'offer';
}

export function renderTaskScreen(root: HTMLElement, ctx: FieldContext, waiting: readonly OutboxItem[], onDuty: (on: boolean) => void): () => void {
  const me = ctx.me();
  const disposers: (() => void)[] = [];
  const task = me?.task ?? null;
  const stage = task ? effectiveStage(task, waiting) : 'done';
  if (!me) {
    replaceChildren(root, [el('section', { className: 'm-screen m-idle' }, [el('p', { className: 'muted' }, [t('loading')])])]);
    return () => {};
  }
  if (!task || stage === 'done') {
    const on = me.worker.dutyStatus !== 'off_duty';
    replaceChildren(root, [
      el('section', { className: 'm-screen m-idle', testId: 'task-idle' }, [
        el('h2', { className: 'm-idle-title' }, [t('m.noTask')]),
        el('p', { className: 'muted' }, [t('m.noTaskHint')]),
        el('p', { className: 'm-duty-line', testId: 'duty-status' }, [on ? t('m.onDuty') : t('m.offDuty')]),
        el('div', { className: 'm-actions' }, [
          el(
            'button',
            { className: on ? 'm-button' : 'm-button primary', testId: 'duty-toggle', attrs: { type: 'button' }, on: { click: () => onDuty(!on) } },
            [on ? t('m.goOffDuty') : t('m.goOnDuty')],
          ),
        ]),
      ]),
    ]);
    return () => {};
  }

  const facts = el('div', { className: 'm-case' }, [
    el('div', { className: `m-grade m-grade-${task.grade}` }, [t(`m.grade.${task.grade}`), ' · ', categoryName(task)]),
    el('p', { className: 'm-case-description' }, [task.description]),
    el('p', { className: 'muted' }, [[task.address, task.micro_grid_name, task.number].filter(Boolean).join(' · ')]),
  ]);
  const step = async (json: Record<string, unknown>, label: string) => {
    const item = await ctx.outbox.add({
      kind: 'step',
      label: `${label} · ${task.number}`,
      method: 'POST',
      url: `/api/incidents/${task.id}/events`,
      json,
      incidentId: task.id,
    });
    await settleOrQueued(ctx, item.seq);
  };

  if (stage === 'offer') {
    const clock = el('div', { className: 'm-countdown', testId: 'offer-countdown', attrs: { role: 'timer', 'aria-live': 'off' } });
    const expired = el('p', { className: 'error-text', attrs: { role: 'alert' } });
    const tick = () => {
      const left = task.deadline_at ? remainingMs(task.deadline_at, Date.now(), ctx.offset()) : 0;
      clock.textContent = formatCountdown(left);
      clock.dataset.urgency = countdownUrgency(left);
      expired.textContent = left === 0 ? t('m.offerExpired') : '';
    };
    tick();
    const timer = setInterval(tick, 250);
    disposers.push(() => clearInterval(timer));
    const reason = el(
      'select',
      { attrs: { name: 'reason', 'aria-label': t('m.declineReason') } },
      DECLINE_REASONS.map((r) => el('option', { attrs: { value: r } }, [t(`m.reason.${r}`)])),
    );
    const declineBox = el('div', { className: 'm-decline', attrs: { hidden: true } }, [
      el('label', {}, [el('span', {}, [t('m.declineReason')]), reason]),
      el(
        'button',
        {
          className: 'm-button danger',
          testId: 'decline-confirm',
          attrs: { type: 'button' },
          on: { click: () => void step({ type: 'decline', reason: t(`m.reason.${reason.value}`) }, t('m.decline')) },
        },
        [t('m.declineConfirm')],
      ),
    ]);
    replaceChildren(root, [
      el('section', { className: 'm-screen m-offer', testId: 'task-offer' }, [
        el('h2', { className: 'm-offer-title' }, [t('m.offerTitle')]),
        clock,
        expired,
        facts,
        declineBox,
        el('div', { className: 'm-actions' }, [
          el(
            'button',
            { className: 'm-button', testId: 'decline', attrs: { type: 'button' }, on: { click: () => (declineBox.hidden = !declineBox.hidden) } },
            [t('m.decline')],
          ),
          el(
            'button',
            {
              className: 'm-button primary',
              testId: 'accept',
              attrs: { type: 'button' },
              on: { click: () => void step({ type: 'acknowledge' }, t('m.accept')) },
            },
            [t('m.accept')],
          ),
        ]),
      ]),
    ]);
    return () => disposers.forEach((d) => d());
  }

  if (stage === 'en_route') {
    const mapBox = el(
      'div',
      { className: 'm-map', testId: 'task-map', attrs: { role: 'img', 'aria-label': `${t('m.myPosition')} · ${t('m.casePoint')}` } },
      [el('p', { className: 'muted' }, [t('m.mapLoading')])],
    );
    const figures = el('p', { className: 'm-figures', testId: 'route-figures' });
    const problem = el('p', { className: 'error-text', testId: 'arrive-error', attrs: { role: 'alert' } });
    // The last "on scene" of this case, if refused, stays on the screen with its reason until the next try.
    const lastArrive = waiting.filter((i) => i.kind === 'arrive' && i.incidentId === task.id).sort((a, b) => b.seq - a.seq)[0];
    if (lastArrive?.state === 'failed') problem.textContent = describeOutboxError(lastArrive);
    let alive = true;
    disposers.push(() => (alive = false));
    void (async () => {
      const fix = ctx.positions.latest() ?? (await ctx.positions.current(5_000));
      const from = fix ?? me.worker.position;
      const map = await ctx.loadMap(mapBox, [task.lon, task.lat]);
      if (!alive) return map.remove();
      disposers.push(() => map.remove());
      map.show({ me: from, target: { lon: task.lon, lat: task.lat } });
      if (!from) return;
      try {
        const route = await apiGet<AnswerOf<typeof fieldRouteRoute>>(`/api/field/route?${query({ lon: from.lon, lat: from.lat })}`);
        if (!alive) return;
        figures.textContent = route.reachable
          ? `${t('m.distance', { distance: formatMetres(route.metres) })} · ${t('m.eta', { minutes: Math.max(1, Math.round(route.seconds / 60)) })}`
          : t('m.noRoute', { distance: formatMetres(route.straightLineMetres) });
        map.show({ route: route.reachable ? route.coordinates : null });
      } catch {
        figures.textContent = '';
      }
    })();
    const arrive = async () => {
      problem.textContent = '';
      const fix = await ctx.positions.current();
      if (!fix) {
        problem.textContent = t('m.positionNeeded');
        return;
      }
      const item = await ctx.outbox.add({
        kind: 'arrive',
        label: `${t('m.arrive')} · ${task.number}`,
        method: 'POST',
        url: `/api/field/cases/${task.id}/arrive`,
        json: { lon: fix.lon, lat: fix.lat, accuracy: Math.min(fix.accuracy, 100_000) },
        incidentId: task.id,
      });
      const settled = await settleOrQueued(ctx, item.seq);
      if (settled?.state === 'failed') problem.textContent = describeOutboxError(settled);
    };
    replaceChildren(root, [
      el('section', { className: 'm-screen m-route', testId: 'task-en-route' }, [
        el('h2', {}, [t('m.enRoute')]),
        facts,
        mapBox,
        figures,
        problem,
        el('div', { className: 'm-actions' }, [
          el('button', { className: 'm-button primary', testId: 'arrive', attrs: { type: 'button' }, on: { click: () => void arrive() } }, [
            t('m.arrive'),
          ]),
        ]),
      ]),
    ]);
    return () => disposers.forEach((d) => d());
  }

  // On scene: what was done (internal), an optional note for the reporter (public), photos, resolve.
  const draft = sceneDraft(ctx, task.id);
  const note = el('textarea', { attrs: { name: 'note', rows: 4, maxlength: 2000, required: true, 'aria-label': t('m.resolveNote') } });
  note.value = draft.note;
  note.addEventListener('input', () => (draft.note = note.value));
  const publicNote = el('textarea', {
    attrs: { name: 'publicNote', rows: 2, maxlength: PUBLIC_NOTE_MAX, 'aria-label': t('m.publicNote'), 'aria-describedby': 'public-note-hint' },
  });
  publicNote.value = draft.publicNote;
  const publicProblem = el('p', { className: 'error-text', testId: 'public-note-error', attrs: { role: 'alert' } });
  publicNote.addEventListener('input', () => {
    draft.publicNote = publicNote.value;
    publicProblem.textContent = '';
  });
  const photos = draft.photos;
  const resolve = async () => {
    if (note.value.trim().length < 2) {
      note.focus();
      note.reportValidity();
      return;
    }
    // Checked here with the server's own rule, so a step is never queued only to be refused later.
    const published = publicNote.value.trim() ? checkPublicNote(publicNote.value) : null;
    if (published?.problem) {
      publicProblem.textContent = t(`m.error.${published.problem}`);
      publicNote.focus();
      return;
    }
    for (const [i, blob] of photos.blobs().entries()) {
      await ctx.outbox.add({
        kind: 'photo',
        label: `${t('m.addPhoto')} ${i + 1} · ${task.number}`,
        method: 'POST',
        url: `/api/incidents/${task.id}/photos`,
        form: { fields: { note: note.value.trim().slice(0, 500) }, photo: blob, photoName: `scene-${i + 1}.jpg` },
        incidentId: task.id,
      });
    }
    sceneDrafts.delete(task.id);
    await step({ type: 'resolve', note: note.value.trim(), ...(published ? { publicNote: published.note } : {}) }, t('m.resolve'));
  };
  replaceChildren(root, [
    el('section', { className: 'm-screen m-scene', testId: 'task-on-scene' }, [
      el('h2', {}, [t('m.onScene')]),
      facts,
      el('label', { className: 'm-field' }, [el('span', {}, [t('m.resolveNote')]), note]),
      el('label', { className: 'm-field' }, [
        el('span', {}, [t('m.publicNote')]),
        el('span', { className: 'muted', attrs: { id: 'public-note-hint' } }, [t('m.publicNoteHint')]),
        publicNote,
      ]),
      publicProblem,
      photos.element,
      el('div', { className: 'm-actions' }, [
        el('button', { className: 'm-button primary', testId: 'resolve', attrs: { type: 'button' }, on: { click: () => void resolve() } }, [
          t('m.resolve'),
        ]),
      ]),
    ]),
  ]);
  return () => disposers.forEach((d) => d());
}

/** Waits for the item when online (a few seconds at most), then reloads the task; offline it stays queued. */
async function settleOrQueued(ctx: FieldContext, seq: number): Promise<OutboxItem | null> {
  if (!ctx.online()) {
    ctx.toast(t('m.queuedOffline'));
    await ctx.refresh().catch(() => {});
    return null;
  }
  const settled = await Promise.race([ctx.outbox.settled(seq), new Promise<null>((r) => setTimeout(() => r(null), 15_000))]);
  if (settled === null) ctx.toast(t('m.queuedOffline'));
  else if (settled.state === 'failed') ctx.toast(describeOutboxError(settled), 'error');
  await ctx.refresh().catch(() => {});
  return settled;
}
