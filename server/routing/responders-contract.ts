/**
 * A recommended responder as the routing module ranks it, as a zod schema: the one definition of its shape, used by
 * recommend-responders.ts (its type), the incidents API's contract and the client (inferred). No Node-only imports.
 */
import { z } from 'zod';

/** A recommended worker as the server ranks it (recommend-responders.ts builds it). */
export const recommendedResponderSchema = z.strictObject({
  rank: z.number().int(),
  workerCode: z.string(),
  /** The worker's display name (staff, shown to dispatchers; never logged). */
  name: z.string(),
  role: z.string(),
  homeUnitCode: z.string(),
  /** 0 own micro-grid, 1 adjoining, 2 community, 3 street, 4 beyond. */
  tier: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  stale: z.boolean(),
  /** Seconds since the last position; null when its time is unknown. */
  positionAgeSeconds: z.number().nullable(),
  reachable: z.boolean(),
  /** From the worker's last position to the incident, by road; null when unreachable. */
  etaSeconds: z.number().nullable(),
  roadMetres: z.number().nullable(),
  straightLineMetres: z.number(),
  /** The worker's distance to the road, and whether it is past the snap limit. */
  snapMetres: z.number().nullable(),
  offRoad: z.boolean(),
  /** [lon, lat] from the worker to the incident; null when unreachable. */
  route: z.array(z.tuple([z.number(), z.number()])).nullable(),
});

export type RecommendedResponder = z.output<typeof recommendedResponderSchema>;
