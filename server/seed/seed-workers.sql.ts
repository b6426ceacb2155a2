/** SQL of the worker seed step (seed-workers.ts). */
import { defineSql } from '../db/database.js';
import { randomPointInPolygonSql } from './random-point-sql.js';

/**
 * The micro-grids of the seeded area. No parameters.
 * Result: code, households, ordered by code. Index: units_level_idx.
 */
export const listMicroGridsForWorkers = defineSql(
  'seed.list_micro_grids_for_workers',
  `SELECT code, households FROM units WHERE level = 'micro_grid' ORDER BY code`,
);

/**
 * Insert a batch of workers; the last position is a deterministic point inside the home micro-grid
 * (keyed by the worker code), its time `age_s` seconds before now() (the seed time).
 * $1 id int[], $2 code text[], $3 name text[], $4 phone text[], $5 role text[],
 * $6 skills text[] (comma-separated), $7 home_unit_code text[], $8 duty_status text[], $9 age_s float8[].
 * Result: none. Index: units_pkey (home micro-grid).
 */
export const insertWorkers = defineSql(
  'seed.insert_workers',
  `INSERT INTO workers (id, code, name, phone, role, skills, home_unit_code, duty_status, last_position, last_position_at, generated)
   SELECT w.id, w.code, w.name, w.phone, w.role, string_to_array(w.skills, ','), w.home, w.duty,
          ${randomPointInPolygonSql('m.geom', `('worker-position:' || w.code)`)},
          now() - make_interval(secs => w.age_s), true
     FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::float8[])
            AS w(id, code, name, phone, role, skills, home, duty, age_s)
     JOIN units m ON m.code = w.home AND m.level = 'micro_grid'`,
);
