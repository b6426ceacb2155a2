/** What the field app's screens share: the worker's state from the server, the outbox, positions, the map loader. */
import type { AnswerOf } from '../../server/contract/api-route.js';
import type { fieldMeRoute } from '../../server/field/field-contract.js';
import type { Outbox } from './outbox.js';
import type { PositionReporter } from './position-reporter.js';
import type { ClockOffset } from './offer-countdown.js';
import type { FieldMap } from './field-map.js';

/** The case the worker is booked on, and what /api/field/me answers (server/field/field-contract.ts). */
export type FieldMe = AnswerOf<typeof fieldMeRoute>;
export type FieldTask = NonNullable<FieldMe['task']>;

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
