/**
 * The plan specs' standard case: a 仙林街道 micro-grid that can be painted into a neighbouring grid of its community
 * (they share an edge), whose own grid keeps more than two micro-grids and stays one contiguous polygon without it.
 * With a point inside it, for a click on the map.
 */
import { defineSql } from '../../server/db/database.js';

export interface PaintCandidate {
  code: string;
  source: string;
  target: string;
  community: string;
  lon: number;
  lat: number;
}

export const pickPaintCandidate = defineSql(
  'test.plans.paint_candidate',
  `SELECT m.code, m.parent_code AS source, g.code AS target, m.community_code AS community,
          ST_X(ST_PointOnSurface(m.geom)) AS lon, ST_Y(ST_PointOnSurface(m.geom)) AS lat
     FROM units m
     JOIN units g ON g.parent_code = m.community_code AND g.level = 'grid' AND g.code <> m.parent_code
                 AND g.geom && m.geom AND ST_Relate(m.geom, g.geom, 'F***1****')
    WHERE m.level = 'micro_grid' AND m.street_code = '320113007'
      AND (SELECT count(*) FROM units s WHERE s.parent_code = m.parent_code) > 2
      AND (SELECT ST_NumGeometries(ST_UnaryUnion(ST_Collect(s.geom), 1e-9)) FROM units s
            WHERE s.parent_code = m.parent_code AND s.code <> m.code) = 1
    ORDER BY m.code LIMIT 1`,
);
