/**
 * The units API's contract (server/contract/api-route.ts): locate a point, read a unit, its children and
 * ancestors, search by name or code. No Node-only imports: the client type-imports these schemas.
 */
import { z } from 'zod';
import { apiRoute, pointEchoSchema, pointQuerySchema, timestampSchema, unitLevelSchema, wholeNumberText } from '../contract/api-route.js';
import { READERS } from '../contract/incident-vocabulary.js';

export const unitCodeSchema = z.string().regex(/^\d{6,18}$/, 'a unit code is 6 to 18 digits');
const bboxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);
const nullableCode = z.string().nullable();

/** A unit as the API presents it (the database row, with its label point as [lon, lat]). */
export const unitSchema = z.strictObject({
  code: z.string(),
  name: z.string(),
  level: unitLevelSchema,
  kind: z.string().nullable(),
  parent_code: nullableCode,
  district_code: nullableCode,
  street_code: nullableCode,
  community_code: nullableCode,
  grid_code: nullableCode,
  area_m2: z.number(),
  households: z.number().int(),
  population: z.number().int(),
  /** True for every unit below the street: generated from the real layers, not official boundaries. */
  generated: z.boolean(),
  boundary_source: z.string(),
  valid_from: timestampSchema,
  valid_to: timestampSchema.nullable(),
  bbox: bboxSchema,
  labelPoint: z.tuple([z.number(), z.number()]),
  /** GeoJSON, only with ?geometry=true on GET /api/units/:code. */
  geometry: z.record(z.string(), z.unknown()).nullable().optional(),
  child_count: z.number().int().optional(),
});

/** A unit above the caller's jurisdiction (its district for a street's dispatcher): the name only, for the breadcrumb. */
export const unitNameOnlySchema = z.strictObject({ code: z.string(), level: unitLevelSchema, name: z.string(), nameOnly: z.literal(true) });
export const unitOrNameSchema = z.union([unitSchema, unitNameOnlySchema]);

/** A unit's code and name, with the fields a route adds (typed: the client sees the added fields). */
const namedUnit = <S extends z.ZodRawShape>(extra: S = {} as S) => z.strictObject({ code: z.string(), name: z.string(), ...extra });

export const locateRoute = apiRoute({
  method: 'get',
  path: '/api/locate',
  summary: 'The micro-grid of a point, with its whole chain and responsible workers',
  tag: 'units',
  access: READERS,
  query: pointQuerySchema,
  answer: pointEchoSchema.extend({
    district: namedUnit(),
    street: namedUnit({ kind: z.string().nullable() }),
    community: namedUnit({ kind: z.string().nullable() }),
    grid: namedUnit({ kind: z.string().nullable() }),
    microGrid: namedUnit({ households: z.number().int(), population: z.number().int() }),
    generated: z.boolean(),
    /** Responsible workers, no phone numbers. */
    workers: z.array(
      z.strictObject({
        code: z.string(),
        name: z.string(),
        role: z.string(),
        skills: z.array(z.string()),
        duty_status: z.string(),
        last_position_at: timestampSchema.nullable(),
      }),
    ),
    nearBoundary: z
      .strictObject({ distanceM: z.number(), neighbours: z.array(z.strictObject({ code: z.string(), name: z.string(), distanceM: z.number() })) })
      .nullable(),
    boundaryDistanceM: z.number(),
  }),
  errors: { 400: ['invalid_coordinates'], 404: ['outside_jurisdiction', 'outside_nanjing'] },
});

export const searchUnitsRoute = apiRoute({
  method: 'get',
  path: '/api/units/search',
  summary: 'Units by name (substring) or code (prefix), exact code first, then higher levels',
  tag: 'units',
  access: READERS,
  query: z.strictObject({
    q: z.string().trim().min(1, 'required').max(50),
    level: unitLevelSchema.optional(),
    limit: wholeNumberText(1, 100).default(20),
  }),
  answer: z.strictObject({ query: z.string(), units: z.array(unitOrNameSchema) }),
  errors: { 400: ['invalid_search'] },
});

const unitParams = z.strictObject({ code: unitCodeSchema });

export const readUnitRoute = apiRoute({
  method: 'get',
  path: '/api/units/:code',
  summary: 'One unit, with its GeoJSON geometry on request',
  tag: 'units',
  access: READERS,
  params: unitParams,
  query: z.strictObject({ geometry: z.enum(['true', 'false']).default('false') }),
  answer: unitOrNameSchema,
  errors: { 400: ['invalid_unit_code', 'invalid_query'], 404: ['unit_not_found'] },
});

export const unitChildrenRoute = apiRoute({
  method: 'get',
  path: '/api/units/:code/children',
  summary: 'A unit and its children, by code',
  tag: 'units',
  access: READERS,
  params: unitParams,
  answer: z.strictObject({ parent: unitOrNameSchema, children: z.array(unitOrNameSchema) }),
  errors: { 400: ['invalid_unit_code'], 404: ['unit_not_found'] },
});

export const unitAncestorsRoute = apiRoute({
  method: 'get',
  path: '/api/units/:code/ancestors',
  summary: 'A unit and its ancestors from the district down',
  tag: 'units',
  access: READERS,
  params: unitParams,
  answer: z.strictObject({ unit: unitOrNameSchema, ancestors: z.array(unitOrNameSchema) }),
  errors: { 400: ['invalid_unit_code'], 404: ['unit_not_found'] },
});

export const UNITS_ROUTES = [locateRoute, searchUnitsRoute, readUnitRoute, unitChildrenRoute, unitAncestorsRoute];
