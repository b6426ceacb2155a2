/**
 * What the specs of several server instances share (server/cluster/*.spec.ts): a place in 仙林街道 to report cases at,
 * a case posted through the incidents contract, the incident topic's live messages, and live subscriptions that are
 * all closed when the file ends.
 */
import { expect } from 'vitest';
import { defineSql } from '../../server/db/database.js';
import { createIncidentRoute } from '../../server/incidents/incidents-contract.js';
import type { ServerMessage } from '../../server/live/live-protocol.js';
import { callRoute } from './api-answer.js';
import { openLive, type LiveTestSocket } from './live-test-support.js';

/** The label point of 仙林街道's first micro-grid: a place every Xianlin dispatcher may report at. */
export const pickXianlinPlace = defineSql(
  'test.cluster_pick_place',
  `SELECT ST_X(m.label_point) AS lon, ST_Y(m.label_point) AS lat FROM units m
    WHERE m.level = 'micro_grid' AND m.street_code = '320113007' ORDER BY m.code LIMIT 1`,
);

export interface Place {
  lon: number;
  lat: number;
}

export type IncidentDelta = Extract<ServerMessage, { type: 'delta'; topic: 'incidents' }>;
export type IncidentSnapshot = Extract<ServerMessage, { type: 'snapshot'; topic: 'incidents' }>;

export const isIncidentSnapshot = (m: ServerMessage): boolean => m.type === 'snapshot' && m.topic === 'incidents';
export const isIncidentDelta = (m: ServerMessage): m is IncidentDelta => m.type === 'delta' && m.topic === 'incidents';
/** Matches the incident delta that carries this case. */
export const incidentDeltaOf = (id: number) => (m: ServerMessage) => isIncidentDelta(m) && m.items.some((i) => i.id === id);
/** The incident deltas a socket has received so far. */
export const incidentDeltas = (socket: LiveTestSocket): IncidentDelta[] => socket.messages.filter(isIncidentDelta);
/** The ids of the cases a socket has received deltas of, in order. */
export const deliveredIncidentIds = (socket: LiveTestSocket): number[] => incidentDeltas(socket).flatMap((m) => m.items.map((i) => i.id));

/** Reports a city-management case at the place through a server (201 expected); its id. */
export async function postCase(
  server: { baseUrl: string },
  headers: Record<string, string>,
  place: Place,
  description = '道路积水',
): Promise<number> {
  const res = await callRoute(server.baseUrl, createIncidentRoute, '/api/incidents', headers, {
    category: 'city_management',
    description,
    lon: place.lon,
    lat: place.lat,
  });
  expect(res.status).toBe(201);
  return res.body.incident.id;
}

/** Live sockets opened for a spec file, subscribed to incidents, and closed together in its afterAll. */
export function liveSubscriptions() {
  const sockets: LiveTestSocket[] = [];
  return {
    /** A socket on the server with the session's cookie (the server's own Origin). */
    async open(server: { baseUrl: string }, cookie: string): Promise<LiveTestSocket> {
      const socket = await openLive(server.baseUrl, { cookie, origin: server.baseUrl });
      sockets.push(socket);
      return socket;
    },
    /** A socket subscribed to incidents, from a resume point or (null) a snapshot. */
    async subscribe(server: { baseUrl: string }, cookie: string, since: { epoch: string; seq: number } | null): Promise<LiveTestSocket> {
      const socket = await this.open(server, cookie);
      socket.send({ op: 'subscribe', topic: 'incidents', since });
      return socket;
    },
    closeAll(): void {
      for (const socket of sockets) socket.close();
    },
  };
}
