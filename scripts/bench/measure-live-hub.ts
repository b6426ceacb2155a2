/**
 * Measures the hub's fan-out on this machine (no sockets, no database): `npx tsx scripts/bench/measure-live-hub.ts`.
 * 1,000 clients over 11 district jurisdictions and 20 Xianlin ones; incidents one by one; worker batches of 5,000
 * positions with a third of the clients following a viewport. Prints medians in milliseconds.
 */
import { createLiveHub } from '../../server/live/live-hub.js';
import { LiveOutbox, type OutboxSocket } from '../../server/live/live-outbox.js';
import type { LiveIncident } from '../../server/live/live-protocol.js';

const DISTRICTS = ['320102', '320104', '320105', '320106', '320111', '320113', '320114', '320115', '320116', '320117', '320118'];
class CountingSocket implements OutboxSocket {
  bufferedAmount = 0;
  bytes = 0;
  send(data: string) {
    this.bytes += data.length;
  }
  close() {}
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const hub = createLiveHub();
const sockets: CountingSocket[] = [];
for (let i = 0; i < 1000; i += 1) {
  const socket = new CountingSocket();
  sockets.push(socket);
  const jurisdiction = i < 20 ? '320113007' : i < 40 ? 'city' : DISTRICTS[i % DISTRICTS.length];
  const client = hub.addClient({ role: 'dispatcher', jurisdiction, workerCode: null }, new LiveOutbox(socket));
  for (const topic of ['incidents', 'workers'] as const) {
    const outcome = hub.subscribe(client, topic, null, topic === 'workers' && i % 3 === 0 ? [118.7, 31.9, 118.9, 32.1] : undefined);
    if (outcome.kind === 'snapshot') {
      if (topic === 'incidents') hub.completeSnapshot(client, topic, outcome.ticket, outcome.seq, [], false);
      else hub.completeSnapshot(client, topic, outcome.ticket, outcome.seq, [], false);
    }
  }
}
const incident = (id: number): LiveIncident => ({
  id,
  number: `NJ20261123-${id}`,
  state: 'reported',
  grade: 'blue',
  category: 'city_management',
  source: 'hotline_12345',
  lon: 118.8,
  lat: 32.0,
  microGridCode: `${DISTRICTS[id % DISTRICTS.length]}001001001001`,
  communityCode: '',
  streetCode: '',
  districtCode: '',
  assignedWorkerCode: null,
  escalationLevel: 0,
  overdue: false,
  deadlineAt: null,
  reportedAt: new Date().toISOString(),
  generated: true,
});
const incidentTimes: number[] = [];
for (let id = 1; id <= 2000; id += 1) {
  const started = performance.now();
  hub.publishIncident(incident(id));
  incidentTimes.push(performance.now() - started);
}
const batchTimes: number[] = [];
for (let round = 0; round < 20; round += 1) {
  for (let w = 0; w < 5000; w += 1) {
    const home = `${DISTRICTS[w % DISTRICTS.length]}001001001001`;
    hub.stageWorker({
      homeUnitCode: home,
      item: {
        code: `W${w}`,
        name: 'x',
        role: 'micro_grid_worker',
        lon: 118.6 + (w % 500) / 1000,
        lat: 31.9 + round / 1000,
        at: new Date().toISOString(),
        dutyStatus: 'on_duty',
        busy: false,
        stale: false,
        microGridCode: home,
      },
    });
  }
  const started = performance.now();
  hub.flushWorkers();
  batchTimes.push(performance.now() - started);
}
const bytes = sockets.reduce((sum, s) => sum + s.bytes, 0);
console.log(`incident delta to 1,000 clients: median ${median(incidentTimes).toFixed(3)} ms`);
console.log(`worker batch of 5,000 positions to 1,000 clients: median ${median(batchTimes).toFixed(1)} ms`);
console.log(`bytes written: ${(bytes / 1e6).toFixed(1)} MB; heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
