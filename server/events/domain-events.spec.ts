import { describe, expect, it } from 'vitest';
import { createDomainEvents, type DomainEvent } from './domain-events.js';

const moved: DomainEvent = { type: 'worker.moved', workerCode: 'W1', microGridCode: '320113', lon: 118.9, lat: 32.1, at: '2026-11-23T09:00:00Z' };

describe('domain events', () => {
  it('delivers to every subscriber until it unsubscribes', () => {
    const events = createDomainEvents();
    const a: DomainEvent[] = [];
    const b: DomainEvent[] = [];
    const stopA = events.subscribe((e) => a.push(e));
    events.subscribe((e) => b.push(e));
    events.emit(moved);
    stopA();
    events.emit({ type: 'incident.changed', incidentId: 7, microGridCode: '320113', change: 'dispatch' });
    expect(a).toEqual([moved]);
    expect(b.map((e) => e.type)).toEqual(['worker.moved', 'incident.changed']);
  });

  it('isolates a listener that throws and reports it', () => {
    const errors: unknown[] = [];
    const events = createDomainEvents((error) => errors.push(error));
    const received: DomainEvent[] = [];
    events.subscribe(() => {
      throw new Error('broken subscriber');
    });
    events.subscribe((e) => received.push(e));
    events.emit(moved);
    expect(received).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });
});
