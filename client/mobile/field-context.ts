/** What the field app's screens share: the worker's state from the server, the outbox, positions, the map loader. */
import type { Outbox } from './outbox.js';
import type { PositionReporter } from './position-reporter.js';
import type { ClockOffset } from './offer-countdown.js';
import type { FieldMap } from './field-map.js';

export interface FieldTask {
  id: number;
  number: string;
  state: 'dispatched' | 'on_scene';
  grade: 'blue' | 'yellow' | 'orange' | 'red';
  category: string;
  category_zh: string;
  category_en: string;
  description: string;
  address: string | null;
  lon: number;
  lat: number;
  offer_acknowledged: boolean;
  deadline_stage: string | null;
  deadline_at: string | null;
  micro_grid_name: string | null;
}

export interface FieldMe {
  worker: { code: string; name: string; role: string; homeUnitCode: string; dutyStatus: 'on_duty' | 'busy' | 'off_duty'; position: { lon: number; lat: number; at: string } | null };
  task: FieldTask | null;
  serverTime: string;
  arriveRadiusMetres: number;
}

export interface FieldContext {
  me(): FieldMe | null;
  offset(): ClockOffset;
  /** Reload /api/field/me (after a step, a live message, a return of the network). */
  refresh(): Promise<void>;
  outbox: Outbox;
  positions: PositionReporter;
  /** A map in the element, MapLibre loaded on first use. */
  loadMap(container: HTMLElement, center: [number, number]): Promise<FieldMap>;
  /** A short message at the bottom of the screen. */
  toast(text: string, kind?: 'info' | 'error'): void;
  online(): boolean;
}

export const XIANLIN_CENTER: [number, number] = [118.9255, 32.1025];
