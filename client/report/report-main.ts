/**
 * The citizens' page (随手拍, /report): public, no account. A photo (compressed on the phone), a category (the
 * Open311 services), a description, the place from the phone's GPS, a tap on the map (MapLibre loaded only when
 * the map is opened: report-map-picker.ts) or typed coordinates (GCJ-02 from Amap or Tencent accepted: converted
 * by the server, `coordinate_system=gcj02`; report-point.ts). A denied location permission says so and leaves
 * the map and the typed coordinates working. An optional contact; sent as one
 * multipart POST /open311/v2/requests.json with an Idempotency-Key, retried with the same key when the network
 * drops mid-upload, so a case is never filed twice. The answer's case number links to /report/{id}, which shows
 * only what Open311 publishes: the status and its note (the resolver's reply to the reporter when there is one,
 * server/incidents/public-note.ts), the kind of problem and the times — never the description, the place or
 * anyone's contact.
 */
import '../console.css';
import '../mobile/mobile.css';
import { el, replaceChildren } from '../app/dom.js';
import { currentLanguage, registerMessages, setLanguage, t } from '../i18n.js';
import { compressPhoto, formatBytes, PhotoRefused, PHOTO_LIMIT_BYTES } from '../mobile/photo-compress.js';
import { randomKey } from '../mobile/outbox.js';
import { reportMessages } from './report-messages.js';
import { mobileMessages } from '../mobile/mobile-messages.js';
import { open311PointFields, pointFromTyped, pointText, type ReportPoint } from './report-point.js';
import type { ReportMap } from './report-map-picker.js';

/** Where the map opens without a GPS fix: Xianlin, the pilot street (as the field app's map). */
const DEFAULT_CENTER = { lon: 118.9255, lat: 32.1025 };

registerMessages(mobileMessages);
registerMessages(reportMessages);
const root = document.getElementById('app')!;
document.documentElement.lang = currentLanguage();
const storedTheme = localStorage.getItem('gridops.theme');
document.documentElement.dataset.theme =
  storedTheme === 'dark' || (storedTheme === null && matchMedia('(prefers-color-scheme: dark)').matches) ? 'dark' : 'light';
const lang = () => (currentLanguage() === 'en' ? 'en' : 'zh');

function shell(children: (Node | null)[]) {
  replaceChildren(root, [
    el('div', { className: 'm-app' }, [
      el('header', { className: 'm-header' }, [
        el('h1', {}, [t('r.title')]),
        el(
          'button',
          {
            className: 'm-button small',
            attrs: { type: 'button' },
            on: { click: () => (setLanguage(currentLanguage() === 'en' ? 'zh-CN' : 'en'), location.reload()) },
          },
          [t('switchLanguage')],
        ),
      ]),
      el('main', { className: 'm-main' }, children),
    ]),
  ]);
  document.title = t('r.title');
}

async function showForm() {
  let photo: Blob | null = null;
  /** The point to send: the latest of a GPS fix, a tap on the map, typed coordinates. */
  let point: ReportPoint | null = null;
  let lastFix: { lon: number; lat: number } | null = null;
  let map: Promise<ReportMap> | null = null;
  const photoInput = el('input', {
    testId: 'report-photo',
    attrs: { type: 'file', accept: 'image/*', capture: 'environment', 'aria-label': t('r.photo') },
  });
  const thumb = el('div', { className: 'm-thumbs', testId: 'report-thumb' });
  const category = el('select', { attrs: { name: 'service_code', required: true, 'aria-label': t('r.category') } });
  const description = el('textarea', {
    attrs: { name: 'description', rows: 3, minlength: 2, maxlength: 2000, required: true, 'aria-label': t('r.description') },
  });
  const coordinates = el('input', {
    attrs: { name: 'coordinates', inputmode: 'decimal', placeholder: '118.93,32.10', 'aria-label': t('r.coordinates') },
  });
  const gcj02 = el('input', { attrs: { type: 'checkbox', name: 'gcj02' } });
  const gpsText = el('p', { className: 'm-point', testId: 'report-point', attrs: { 'aria-live': 'polite' } });
  const gpsProblem = el('p', { className: 'error-text', testId: 'report-gps-problem', attrs: { role: 'status' } });
  const mapBox = el('div', { className: 'm-map m-map-small', testId: 'report-map', attrs: { 'aria-label': t('r.mapLabel'), role: 'application' } });
  mapBox.hidden = true;
  const mapButton = el('button', { className: 'm-button small', testId: 'report-open-map', attrs: { type: 'button', 'aria-expanded': 'false' } }, [
    t('r.openMap'),
  ]);
  const choose = (next: ReportPoint | null, focus = false) => {
    point = next;
    const text = pointText(point);
    gpsText.textContent = t(text.key, text.values);
    void map?.then((m) => m.show(point, focus));
  };
  const openMap = () => {
    if (map) return;
    mapBox.hidden = false;
    mapButton.setAttribute('aria-expanded', 'true');
    mapButton.disabled = true;
    const center = point && point.crs === 'wgs84' ? point : (lastFix ?? DEFAULT_CENTER);
    map = import('./report-map-picker.js').then(({ openReportMap }) =>
      openReportMap(mapBox, {
        center,
        theme: document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light',
        onPick: (p) => {
          coordinates.value = '';
          gcj02.checked = false;
          message.textContent = '';
          gpsProblem.textContent = '';
          choose({ ...p, crs: 'wgs84', from: 'map' });
        },
      }),
    );
    map.then(
      (m) => m.show(point, point?.from === 'typed'),
      () => {
        // The map's code could not be loaded (no network): say so, and let the citizen try again.
        message.textContent = t('m.offline');
        map = null;
        mapBox.hidden = true;
        mapButton.disabled = false;
        mapButton.setAttribute('aria-expanded', 'false');
      },
    );
  };
  mapButton.addEventListener('click', openMap);
  const typed = () => {
    const next = pointFromTyped(coordinates.value, gcj02.checked);
    if (next === 'bad') return void (message.textContent = t('r.badCoordinates'));
    message.textContent = '';
    if (next) choose(next, true);
    else if (point?.from === 'typed') choose(lastFix ? { ...lastFix, crs: 'wgs84', from: 'gps' } : null);
  };
  coordinates.addEventListener('change', typed);
  gcj02.addEventListener('change', typed);
  const name = el('input', { attrs: { name: 'name', maxlength: 40, autocomplete: 'name', 'aria-label': t('r.name') } });
  const phone = el('input', { attrs: { name: 'phone', type: 'tel', maxlength: 20, autocomplete: 'tel', 'aria-label': t('r.phone') } });
  const message = el('p', { className: 'error-text', testId: 'report-error', attrs: { role: 'alert' } });
  const submit = el('button', { className: 'm-button primary', testId: 'report-submit', attrs: { type: 'submit' } }, [t('r.submit')]);

  photoInput.addEventListener('change', async () => {
    const file = photoInput.files?.[0];
    if (!file) return;
    try {
      photo = await compressPhoto(file);
      replaceChildren(thumb, [el('img', { attrs: { src: URL.createObjectURL(photo), alt: t('r.photo'), width: 72, height: 72 } })]);
      message.textContent = '';
    } catch (error) {
      photo = null;
      message.textContent =
        error instanceof PhotoRefused && error.reason === 'too_large'
          ? t('m.photoTooLarge', { size: formatBytes(error.sizeBytes), max: formatBytes(PHOTO_LIMIT_BYTES) })
          : t('m.photoUnreadable');
    }
  });
  /** explicit: the citizen pressed 使用手机定位 (the fix then replaces a point chosen otherwise). */
  const locate = (explicit: boolean) => {
    if (!navigator.geolocation) return void (gpsProblem.textContent = t('r.gpsDenied'));
    navigator.geolocation.getCurrentPosition(
      (p) => {
        lastFix = { lon: p.coords.longitude, lat: p.coords.latitude };
        gpsProblem.textContent = '';
        // The fix asked for at start never replaces a point the citizen chose on the map or typed meanwhile.
        if (!explicit && point && point.from !== 'gps') return;
        if (explicit) coordinates.value = '';
        choose({ ...lastFix, crs: 'wgs84', from: 'gps' }, explicit);
      },
      // Denied (or no fix): the map and the typed coordinates still work, and the page says so.
      (error) => (gpsProblem.textContent = t(error.code === error.PERMISSION_DENIED ? 'r.gpsDenied' : 'r.gpsUnavailable')),
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  };

  const send = async (event: Event) => {
    event.preventDefault();
    message.textContent = '';
    if (!form.reportValidity()) return;
    if (!photo) return void (message.textContent = t('r.needPhoto'));
    const typedPoint = pointFromTyped(coordinates.value, gcj02.checked);
    if (typedPoint === 'bad') return void (message.textContent = t('r.badCoordinates'));
    if (typedPoint && point?.from !== 'typed') choose(typedPoint);
    if (!point) return void (message.textContent = t('r.needPoint'));
    const body = new FormData();
    body.append('jurisdiction_id', 'nanjing');
    body.append('service_code', category.value);
    body.append('description', description.value.trim());
    for (const [field, value] of Object.entries(open311PointFields(point))) body.append(field, value);
    if (name.value.trim()) body.append('first_name', name.value.trim());
    if (phone.value.trim()) body.append('phone', phone.value.trim());
    body.append('photo', photo, 'report.jpg');
    submit.disabled = true;
    submit.textContent = t('r.sending');
    const key = randomKey();
    // Network loss mid-upload: the same key again (the server answers a repeat with the first answer).
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(`/open311/v2/requests.json?lang=${lang()}`, {
          method: 'POST',
          body,
          headers: { 'idempotency-key': key, accept: 'application/json' },
        });
        const answer = (await response.json().catch(() => null)) as Array<{
          service_request_id?: string;
          service_notice?: string;
          description?: string;
        }> | null;
        if (!response.ok || !answer?.[0]?.service_request_id)
          throw Object.assign(new Error(answer?.[0]?.description ?? `HTTP ${response.status}`), { final: true });
        const number = /NJ\d{8}-\d+/.exec(answer[0].service_notice ?? '')?.[0] ?? answer[0].service_request_id;
        return showDone(answer[0].service_request_id, number);
      } catch (error) {
        if ((error as { final?: boolean }).final || attempt >= 20) {
          message.textContent = t('r.error', { message: (error as Error).message });
          submit.disabled = false;
          submit.textContent = t('r.submit');
          return;
        }
        message.textContent = t('r.retrying');
        await new Promise((r) => setTimeout(r, Math.min(30_000, 1_000 * 2 ** attempt)));
      }
    }
  };
  const form = el('form', { className: 'm-screen', testId: 'report-form', on: { submit: (e) => void send(e) } }, [
    el('p', { className: 'muted' }, [t('r.intro')]),
    el('div', { className: 'm-photos' }, [el('label', { className: 'm-button m-photo-button' }, [t('r.photo'), photoInput]), thumb]),
    el('label', { className: 'm-field' }, [el('span', {}, [t('r.category')]), category]),
    el('label', { className: 'm-field' }, [el('span', {}, [t('r.description')]), description]),
    el('div', { className: 'm-field' }, [
      el('span', {}, [t('r.where')]),
      gpsText,
      gpsProblem,
      el('div', { className: 'report-point-buttons' }, [
        el('button', { className: 'm-button small', testId: 'report-use-gps', attrs: { type: 'button' }, on: { click: () => locate(true) } }, [
          t('r.useGps'),
        ]),
        mapButton,
      ]),
      mapBox,
      el('label', {}, [el('span', { className: 'muted' }, [t('r.coordinates')]), coordinates]),
      el('label', {}, [gcj02, ' ', t('r.gcj02')]),
    ]),
    el('fieldset', { className: 'm-field' }, [
      el('legend', {}, [t('r.contact')]),
      el('label', {}, [t('r.name'), name]),
      el('label', {}, [t('r.phone'), phone]),
    ]),
    message,
    el('div', { className: 'm-actions report-actions' }, [submit]),
  ]);
  shell([form]);
  choose(null);
  locate(false);
  try {
    const services = (await (await fetch(`/open311/v2/services.json?lang=${lang()}`)).json()) as Array<{
      service_code: string;
      service_name: string;
    }>;
    replaceChildren(
      category,
      services.map((s) => el('option', { attrs: { value: s.service_code } }, [s.service_name])),
    );
  } catch {
    message.textContent = t('m.offline');
  }
}

function showDone(id: string, number: string) {
  history.pushState(null, '', `/report/${id}`);
  shell([
    el('section', { className: 'm-screen m-idle', testId: 'report-done' }, [
      el('h2', { className: 'm-idle-title' }, [t('r.done')]),
      el('p', {}, [t('r.caseNumber')]),
      el('p', { className: 'm-figures', testId: 'report-number' }, [number]),
      el('div', { className: 'm-actions report-actions' }, [
        el('a', { className: 'm-button primary', testId: 'report-follow', attrs: { href: `/report/${id}` } }, [t('r.follow')]),
      ]),
    ]),
  ]);
}

async function showStatus(id: string) {
  shell([el('p', { className: 'muted' }, ['…'])]);
  const response = await fetch(`/open311/v2/requests/${encodeURIComponent(id)}.json?lang=${lang()}`).catch(() => null);
  const answer = response?.ok
    ? (
        (await response.json()) as Array<{
          status: string;
          status_notes: string | null;
          service_name: string;
          requested_datetime: string;
          updated_datetime: string;
        }>
      )[0]
    : null;
  if (!answer)
    return shell([
      el('p', { className: 'error-text', testId: 'report-status-missing' }, [t('r.notFound')]),
      el('a', { className: 'm-button', attrs: { href: '/report' } }, [t('r.newReport')]),
    ]);
  const time = (iso: string) => new Date(iso).toLocaleString(currentLanguage());
  shell([
    el('section', { className: 'm-screen', testId: 'report-status' }, [
      el('h2', {}, [t('r.statusTitle')]),
      el('p', { className: 'm-figures', testId: 'report-status-value' }, [t(`r.status.${answer.status === 'closed' ? 'closed' : 'open'}`)]),
      el('dl', { className: 'report-facts' }, [
        el('dt', {}, [t('r.category')]),
        el('dd', {}, [answer.service_name]),
        el('dt', {}, [t('r.statusNotes')]),
        el('dd', { testId: 'report-status-notes' }, [answer.status_notes ?? '—']),
        el('dt', {}, [t('r.reportedAt')]),
        el('dd', {}, [time(answer.requested_datetime)]),
        el('dt', {}, [t('r.updatedAt')]),
        el('dd', {}, [time(answer.updated_datetime)]),
      ]),
      el('div', { className: 'm-actions report-actions' }, [el('a', { className: 'm-button', attrs: { href: '/report' } }, [t('r.newReport')])]),
    ]),
  ]);
}

const match = /^\/report\/(\d{1,15})\/?$/.exec(location.pathname);
if (match) void showStatus(match[1]);
else void showForm();
