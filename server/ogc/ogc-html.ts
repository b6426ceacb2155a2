/**
 * The f=html view of the OGC API (conformance class html): the landing page, the collections, one
 * collection, a page of items as a table and one feature, rendered on the server as plain HTML with no
 * script. Every value that came from data or the request is escaped by `esc`; links are built by
 * ogc-links.ts from allow-listed ids and encoded parameters. Pure.
 */
import type { OgcCollection } from './ogc-collections.js';
import type { Link } from './ogc-links.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute value, escaped for HTML. */
export const esc = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

const STYLE = `body{font:14px/1.5 system-ui,"Noto Sans CJK SC",sans-serif;margin:2rem;color:#1d2430;background:#fff}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccd3dd;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#eef2f7}a{color:#1f5fbf}nav a{margin-right:1rem}code{font-size:12px}
@media (prefers-color-scheme:dark){body{background:#12161d;color:#dce3ec}th{background:#1e2631}td,th{border-color:#34404f}a{color:#7fb0ff}}`;

function page(title: string, links: readonly Link[], body: string): string {
  const nav = links
    .filter((l) => ['self', 'alternate', 'collection', 'prev', 'next', 'data', 'service-desc', 'conformance'].includes(l.rel))
    .map((l) => `<a href="${esc(l.href)}" rel="${esc(l.rel)}">${esc(l.title ?? l.rel)}</a>`)
    .join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body><h1>${esc(title)}</h1><nav>${nav}</nav>
${body}
</body></html>`;
}

export function landingHtml(doc: { title: string; description: string; links: Link[] }): string {
  return page(doc.title, doc.links, `<p>${esc(doc.description)}</p>`);
}

export function conformanceHtml(classes: readonly string[], links: Link[]): string {
  return page('Conformance', links, `<ul>${classes.map((c) => `<li><code>${esc(c)}</code></li>`).join('')}</ul>`);
}

interface CollectionDoc {
  id: string;
  title: string;
  description: string;
  attribution?: string;
  crs?: string[];
  links: Link[];
}

function collectionSummary(c: CollectionDoc, withHeading: boolean): string {
  const items = c.links.find((l) => l.rel === 'items' && l.type === 'text/html');
  const heading = withHeading ? `<h2>${esc(c.title)}</h2>` : '';
  return `${heading}<p>${esc(c.description)}</p>
<p>id: <code>${esc(c.id)}</code>${c.attribution ? ` · ${esc(c.attribution)}` : ''}</p>
${items ? `<p><a href="${esc(items.href)}">Features</a></p>` : ''}
${c.crs ? `<p>CRS: ${c.crs.map((u) => `<code>${esc(u)}</code>`).join(' ')}</p>` : ''}`;
}

export function collectionsHtml(doc: { links: Link[]; collections: CollectionDoc[] }): string {
  return page('Collections', doc.links, doc.collections.map((c) => collectionSummary(c, true)).join('\n'));
}

export function collectionHtml(c: CollectionDoc): string {
  return page(c.title, c.links, collectionSummary(c, false));
}

interface FeatureLike {
  id: string | number;
  geometry: { type: string } | null;
  properties: Record<string, unknown>;
}

const cell = (v: unknown) => esc(v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : v);

export function itemsHtml(
  c: OgcCollection,
  features: readonly FeatureLike[],
  info: { numberMatched?: number; links: Link[]; featureHref: (id: string | number) => string },
): string {
  const names = c.properties.map((p) => p.name);
  const head = `<tr><th>id</th><th>geometry</th>${names.map((n) => `<th>${esc(n)}</th>`).join('')}</tr>`;
  const rows = features
    .map(
      (f) =>
        `<tr><td><a href="${esc(info.featureHref(f.id))}">${esc(f.id)}</a></td><td>${esc(f.geometry?.type ?? '')}</td>${names
          .map((n) => `<td>${cell(f.properties[n])}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  const matched = info.numberMatched === undefined ? '' : ` of ${info.numberMatched}`;
  return page(`${c.title}: features`, info.links, `<p>${features.length}${esc(matched)} features on this page</p><table>${head}\n${rows}</table>`);
}

export function featureHtml(c: OgcCollection, f: FeatureLike, links: Link[]): string {
  const rows = c.properties.map((p) => `<tr><th>${esc(p.name)}</th><td>${cell(f.properties[p.name])}</td></tr>`).join('');
  return page(`${c.title}: ${String(f.id)}`, links, `<table><tr><th>geometry</th><td>${esc(f.geometry?.type ?? '')}</td></tr>${rows}</table>`);
}
