/** Cases and places the contract examples (tests/contract/contract-examples.ts) make through the API. */
import type { AnswerOf } from '../../server/contract/api-route.js';
import { defineSql } from '../../server/db/database.js';
import type { fieldMeRoute } from '../../server/field/field-contract.js';
import type { createIncidentRoute } from '../../server/incidents/incidents-contract.js';
import type { ExampleContext } from './contract-examples.js';

/** A new case at the micro-grid's label point, taken in by 仙林's dispatcher; its id. */
export async function newCase(ctx: ExampleContext, category = 'city_management', at: { lon: number; lat: number } = ctx.microGrid): Promise<number> {
  const answer = (await ctx.request('dispatcher.xianlin', 'POST', '/api/incidents', {
    category,
    description: '合同测试：井盖破损',
    lon: at.lon,
    lat: at.lat,
  })) as AnswerOf<typeof createIncidentRoute>;
  return answer.incident.id;
}

const workerPlaceSql = defineSql(
  'test.contract_worker_place',
  `SELECT w.code, ST_X(m.label_point) AS lon, ST_Y(m.label_point) AS lat
     FROM accounts a JOIN workers w ON w.code = a.worker_code JOIN units m ON m.code = w.home_unit_code
    WHERE a.username = 'worker.xianlin'`,
);

/** The worker behind worker.xianlin and the label point of their home micro-grid. */
export async function workerPlace(ctx: ExampleContext): Promise<{ code: string; lon: number; lat: number }> {
  const [place] = await ctx.db.query<{ code: string; lon: number; lat: number }>(workerPlaceSql);
  return place;
}

/** The case worker.xianlin is booked on: the current one, or a new one at their micro-grid dispatched to them and acknowledged. */
export async function bookedCase(ctx: ExampleContext): Promise<number> {
  const me = (await ctx.request('worker.xianlin', 'GET', '/api/field/me')) as AnswerOf<typeof fieldMeRoute>;
  if (me.task) return me.task.id;
  const place = await workerPlace(ctx);
  await ctx.request('worker.xianlin', 'POST', '/api/field/duty', { onDuty: true });
  const id = await newCase(ctx, 'city_management', place);
  await ctx.request('dispatcher.xianlin', 'POST', `/api/incidents/${id}/events`, { type: 'accept' });
  await ctx.request('dispatcher.xianlin', 'POST', `/api/incidents/${id}/events`, { type: 'dispatch', workerCode: place.code });
  await ctx.request('worker.xianlin', 'POST', `/api/incidents/${id}/events`, { type: 'acknowledge' });
  return id;
}
