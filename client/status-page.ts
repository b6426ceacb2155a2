/** The first page: what the server holds, until the map console lands. */
import { currentLanguage, Language, setLanguage, translate } from './i18n.js';

interface Health {
  database: { mode: 'embedded' | 'postgres'; postgres: string; postgis: string };
  counts: Record<string, number>;
}

const ROWS = ['district', 'street', 'community', 'grid', 'micro_grid', 'workers', 'cameras', 'sensors', 'road_vertices', 'road_edges'];
let language: Language = currentLanguage();
let health: Health | null = null;
let failed = false;

function render(): void {
  document.documentElement.lang = language;
  document.querySelectorAll<HTMLElement>('[data-i18n]').forEach((el) => {
    el.textContent = translate(language, el.dataset.i18n!);
  });
  const status = document.getElementById('status')!;
  status.textContent = translate(language, failed ? 'failed' : health ? 'ready' : 'loading');
  if (!health) return;
  const table = document.getElementById('counts') as HTMLTableElement;
  const body = table.tBodies[0];
  body.replaceChildren(
    ...ROWS.map((key) => {
      const row = document.createElement('tr');
      const label = document.createElement('td');
      label.textContent = translate(language, key);
      const value = document.createElement('td');
      value.className = 'count';
      value.dataset.count = key;
      value.textContent = (health!.counts[key] ?? 0).toLocaleString(language);
      row.append(label, value);
      return row;
    }),
  );
  table.hidden = false;
  document.getElementById('database')!.textContent = translate(language, 'databaseLine', {
    mode: translate(language, health.database.mode),
    postgres: health.database.postgres,
    postgis: health.database.postgis,
  });
}

document.getElementById('language')!.addEventListener('click', () => {
  language = language === 'en' ? 'zh-CN' : 'en';
  setLanguage(language);
  render();
});

render();
fetch('/api/health')
  .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
  .then((h: Health) => {
    health = h;
    render();
  })
  .catch(() => {
    failed = true;
    render();
  });
