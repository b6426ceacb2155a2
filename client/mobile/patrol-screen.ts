/**
 * Patrol report (巡查上报): category, description, a photo, the point from GPS or a tap on the map (the only way
 * when location is denied). Goes into the outbox as one multipart POST /api/patrol-reports with its
 * Idempotency-Key: sent at once, or when the network is back — exactly once either way.
 */
import { apiGet } from '../api/api-client.js';
import { el, replaceChildren } from '../app/dom.js';
import { currentLanguage, t } from '../i18n.js';
import { XIANLIN_CENTER, type FieldContext } from './field-context.js';
import type { FieldMap } from './field-map.js';
import { photoPicker } from './photo-picker.js';

interface Category {
  code: string;
  name_zh: string;
  name_en: string;
}
const CATEGORY_CACHE = 'gridops.field.categories';

/** The categories, remembered for offline use. */
async function loadCategories(): Promise<Category[]> {
  try {
    const { categories } = await apiGet<{ categories: Category[] }>('/api/incident-categories');
    localStorage.setItem(CATEGORY_CACHE, JSON.stringify(categories.map(({ code, name_zh, name_en }) => ({ code, name_zh, name_en }))));
    return categories;
  } catch {
    return JSON.parse(localStorage.getItem(CATEGORY_CACHE) ?? '[]') as Category[];
  }
}

export function renderPatrolScreen(root: HTMLElement, ctx: FieldContext): () => void {
  let alive = true;
  let map: FieldMap | null = null;
  let point: { lon: number; lat: number; from: 'gps' | 'map' } | null = null;
  const category = el('select', { attrs: { name: 'category', required: true, 'aria-label': t('m.category') } });
  const description = el('textarea', {
    attrs: { name: 'description', rows: 3, minlength: 2, maxlength: 2000, required: true, 'aria-label': t('m.description') },
  });
  const photos = photoPicker(ctx, { max: 1 });
  const pointText = el('p', { className: 'm-point', testId: 'patrol-point', attrs: { 'aria-live': 'polite' } });
  const mapBox = el('div', { className: 'm-map m-map-small', testId: 'patrol-map' });
  const problem = el('p', { className: 'error-text', attrs: { role: 'alert' } });
  const showPoint = () => {
    pointText.textContent = point ? t('m.pointChosen', { lon: point.lon.toFixed(5), lat: point.lat.toFixed(5) }) : t('m.pointNone');
    map?.show({ picked: point });
  };
  const useGps = async () => {
    const fix = await ctx.positions.current();
    if (!alive) return;
    if (fix) point = { lon: fix.lon, lat: fix.lat, from: 'gps' };
    else problem.textContent = t('m.positionDenied');
    showPoint();
  };
  void loadCategories().then((list) => {
    if (!alive) return;
    replaceChildren(
      category,
      list.map((c) => el('option', { attrs: { value: c.code } }, [currentLanguage() === 'en' ? c.name_en : c.name_zh])),
    );
  });
  const center = ctx.positions.latest() ?? ctx.me()?.worker.position ?? { lon: XIANLIN_CENTER[0], lat: XIANLIN_CENTER[1] };
  void ctx.loadMap(mapBox, [center.lon, center.lat]).then((m) => {
    if (!alive) return m.remove();
    map = m;
    m.onTap((p) => {
      point = { ...p, from: 'map' };
      problem.textContent = '';
      showPoint();
    });
    showPoint();
  });
  void useGps();

  const submit = async (event: Event) => {
    event.preventDefault();
    problem.textContent = '';
    if (!form.reportValidity()) return;
    const blob = photos.blobs()[0];
    if (!blob) {
      problem.textContent = t('m.addPhoto');
      return;
    }
    const fields: Record<string, string> = { category: category.value, description: description.value.trim() };
    if (point) Object.assign(fields, { lon: point.lon.toFixed(7), lat: point.lat.toFixed(7) });
    const item = await ctx.outbox.add({
      kind: 'patrol',
      label: `${t('m.tabPatrol')} · ${description.value.trim().slice(0, 20)}`,
      method: 'POST',
      url: '/api/patrol-reports',
      form: { fields, photo: blob, photoName: 'patrol.jpg' },
    });
    description.value = '';
    photos.clear();
    if (!ctx.online()) {
      ctx.toast(t('m.queuedOffline'));
      return;
    }
    const settled = await Promise.race([ctx.outbox.settled(item.seq), new Promise<null>((r) => setTimeout(() => r(null), 15_000))]);
    const number = (settled?.answer as { incident?: { number?: string } } | undefined)?.incident?.number;
    if (settled?.state === 'sent' && number) ctx.toast(t('m.patrolSent', { number }));
    else if (settled?.state === 'failed') ctx.toast(settled.error?.message ?? t('m.failed'), 'error');
    else ctx.toast(t('m.queuedOffline'));
  };
  const form = el('form', { className: 'm-screen m-patrol', testId: 'patrol-form', on: { submit: (e) => void submit(e) } }, [
    el('h2', {}, [t('m.tabPatrol')]),
    el('label', { className: 'm-field' }, [el('span', {}, [t('m.category')]), category]),
    el('label', { className: 'm-field' }, [el('span', {}, [t('m.description')]), description]),
    photos.element,
    el('div', { className: 'm-field' }, [
      el('span', {}, [t('m.point')]),
      pointText,
      el('button', { className: 'm-button small', attrs: { type: 'button' }, on: { click: () => void useGps() } }, [t('m.pointGps')]),
      el('span', { className: 'muted' }, [' ', t('m.pointMap')]),
    ]),
    mapBox,
    problem,
    el('div', { className: 'm-actions' }, [
      el('button', { className: 'm-button primary', testId: 'patrol-submit', attrs: { type: 'submit' } }, [t('m.submitPatrol')]),
    ]),
  ]);
  replaceChildren(root, [form]);
  showPoint();
  return () => {
    alive = false;
    map?.remove();
  };
}
