/**
 * Colours of the two map themes: light for a desk, dark for a command centre's wall. Every colour the
 * map draws comes from here, so the legend and the drawing cannot disagree.
 */
import type { Grade } from '../../server/contract/incident-vocabulary.js';
import type { MapTheme } from './map-data.js';

export interface MapPalette {
  background: string;
  water: string;
  landuse: { residential: string; green: string; industrial: string; commercial: string; farmland: string; other: string };
  road: { major: string; minor: string; casing: string };
  boundary: { district: string; street: string; community: string; grid: string; microGrid: string };
  microGridHighlight: string;
  /** Micro-grid fill by open incidents: none, 1, 2–3, 4 and more. */
  load: [string, string, string, string];
  label: { text: string; halo: string };
  grade: Record<Grade, string>;
  selected: string;
  worker: { onDuty: string; busy: string; stale: string; offDuty: string; outline: string };
  camera: { online: string; offline: string; cone: string };
  sensor: { online: string; offline: string; alarm: string };
  density: [string, string, string, string, string];
  route: string;
}

const GRADE_COLOURS: Record<Grade, string> = { blue: '#2563eb', yellow: '#eab308', orange: '#f97316', red: '#dc2626' };

export const PALETTES: Record<MapTheme, MapPalette> = {
  light: {
    background: '#f2efe9',
    water: '#9fc9eb',
    landuse: { residential: '#e8e1d4', green: '#cfe5c0', industrial: '#e2dce9', commercial: '#f2dcdc', farmland: '#eef0d2', other: '#e9e6df' },
    road: { major: '#f7c87f', minor: '#ffffff', casing: '#cfc8bb' },
    boundary: { district: '#5b3f8f', street: '#7c5cb8', community: '#8f7fb8', grid: '#9c98b3', microGrid: '#1f6fd1' },
    microGridHighlight: '#e11d48',
    load: ['rgba(0,0,0,0)', '#fde68a', '#fb923c', '#ef4444'],
    label: { text: '#2b2440', halo: '#ffffff' },
    grade: GRADE_COLOURS,
    selected: '#111827',
    worker: { onDuty: '#16a34a', busy: '#9333ea', stale: '#9ca3af', offDuty: '#6b7280', outline: '#ffffff' },
    camera: { online: '#0284c7', offline: '#6b7280', cone: '#0ea5e9' },
    sensor: { online: '#0d9488', offline: '#78716c', alarm: '#c026d3' },
    density: ['#fef3c7', '#fcd34d', '#f59e0b', '#ea580c', '#b91c1c'],
    route: '#1d4ed8',
  },
  dark: {
    background: '#0a1020',
    water: '#173a5e',
    landuse: { residential: '#161e30', green: '#10261f', industrial: '#1c1a2e', commercial: '#261a26', farmland: '#161f18', other: '#131a28' },
    road: { major: '#4b5d7a', minor: '#27324a', casing: '#0a1020' },
    boundary: { district: '#a78bfa', street: '#818cf8', community: '#60a5fa', grid: '#3b82c4', microGrid: '#22d3ee' },
    microGridHighlight: '#f472b6',
    load: ['rgba(0,0,0,0)', '#a16207', '#c2410c', '#dc2626'],
    label: { text: '#e2e8f0', halo: '#0a1020' },
    grade: { blue: '#3b82f6', yellow: '#facc15', orange: '#fb923c', red: '#f43f5e' },
    selected: '#f8fafc',
    worker: { onDuty: '#4ade80', busy: '#c084fc', stale: '#64748b', offDuty: '#475569', outline: '#0a1020' },
    camera: { online: '#38bdf8', offline: '#64748b', cone: '#38bdf8' },
    sensor: { online: '#2dd4bf', offline: '#78716c', alarm: '#e879f9' },
    density: ['#1e3a5f', '#1d4ed8', '#7c3aed', '#db2777', '#f43f5e'],
    route: '#fbbf24',
  },
};

/** '#rrggbb' or 'rgba(r,g,b,a)' → [r, g, b, a 0–255] for deck.gl. */
export function colorToRgba(color: string, alpha = 255): [number, number, number, number] {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (hex) {
    const n = Number.parseInt(hex[1], 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255, alpha];
  }
  const rgba = /^rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\)$/.exec(color);
  if (rgba) return [Number(rgba[1]), Number(rgba[2]), Number(rgba[3]), rgba[4] === undefined ? alpha : Math.round(Number(rgba[4]) * 255)];
  throw new Error(`not a colour of the palette: ${color}`);
}
