/** Which workers' bookings an incident event touches, and whether each is booked afterwards. */
import { describe, expect, it } from 'vitest';
import { createDomainEvents, type DomainEvent } from '../events/domain-events.js';
import { bookingChanges, incidentChanged, publishAll } from './incident-publishing.js';

describe('bookingChanges', () => {
  it('books the worker a case is dispatched to', () => {
    expect(bookingChanges('dispatch', { assignedWorkerCode: null }, { state: 'dispatched', assignedWorkerCode: 'W1' })).toEqual([
      { workerCode: 'W1', busy: true },
    ]);
  });

  it('keeps a worker booked while they acknowledge and arrive', () => {
    expect(bookingChanges('acknowledge', { assignedWorkerCode: 'W1' }, { state: 'dispatched', assignedWorkerCode: 'W1' })).toEqual([
      { workerCode: 'W1', busy: true },
    ]);
    expect(bookingChanges('arrive', { assignedWorkerCode: 'W1' }, { state: 'on_scene', assignedWorkerCode: 'W1' })).toEqual([
      { workerCode: 'W1', busy: true },
    ]);
  });

  it('frees the worker who declines, returns, times out or resolves', () => {
    for (const type of ['decline', 'offer_timeout', 'return'] as const) {
      expect(bookingChanges(type, { assignedWorkerCode: 'W1' }, { state: 'accepted', assignedWorkerCode: null })).toEqual([
        { workerCode: 'W1', busy: false },
      ]);
    }
    expect(bookingChanges('resolve', { assignedWorkerCode: 'W1' }, { state: 'resolved', assignedWorkerCode: 'W1' })).toEqual([
      { workerCode: 'W1', busy: false },
    ]);
    expect(bookingChanges('close', { assignedWorkerCode: 'W1' }, { state: 'closed', assignedWorkerCode: 'W1' })).toEqual([
      { workerCode: 'W1', busy: false },
    ]);
  });

  it('books the handler again when verification fails', () => {
    expect(bookingChanges('verify_fail', { assignedWorkerCode: 'W1' }, { state: 'dispatched', assignedWorkerCode: 'W1' })).toEqual([
      { workerCode: 'W1', busy: true },
    ]);
  });

  it('says nothing about workers for events that do not touch a booking', () => {
    expect(bookingChanges('accept', { assignedWorkerCode: null }, { state: 'accepted', assignedWorkerCode: null })).toEqual([]);
    expect(bookingChanges('verify', { assignedWorkerCode: 'W1' }, { state: 'verified', assignedWorkerCode: 'W1' })).toEqual([]);
  });
});

describe('publishAll', () => {
  it('emits each event in order, and nothing without a bus', () => {
    const events = createDomainEvents();
    const heard: DomainEvent[] = [];
    events.subscribe((e) => heard.push(e));
    const list = [incidentChanged(1, '320113007001001001', 'reported'), incidentChanged(2, '320113007001001002', 'merged')];
    publishAll(events, list);
    publishAll(undefined, list);
    expect(heard).toEqual(list);
  });
});
