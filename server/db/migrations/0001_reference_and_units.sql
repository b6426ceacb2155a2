-- The unit hierarchy and the reference layers it is generated from.
CREATE EXTENSION IF NOT EXISTS postgis;

-- Key/value facts about this database: seed scope, seed version, timings.
CREATE TABLE app_meta (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- OpenStreetMap landuse and water polygons (ODbL, © OpenStreetMap contributors).
CREATE TABLE osm_landuse (
  osm_id text PRIMARY KEY,
  fclass text NOT NULL,
  name text,
  geom geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX osm_landuse_geom_idx ON osm_landuse USING gist (geom);
CREATE INDEX osm_landuse_fclass_idx ON osm_landuse (fclass);

CREATE TABLE osm_water (
  osm_id text PRIMARY KEY,
  fclass text NOT NULL,
  name text,
  geom geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX osm_water_geom_idx ON osm_water USING gist (geom);

-- The administrative and grid hierarchy: district → street → community → grid → micro_grid.
-- Every level exactly tiles its parent. Districts are real boundaries; everything below is generated.
CREATE TABLE units (
  code text PRIMARY KEY,
  name text NOT NULL,
  parent_code text REFERENCES units (code),
  level text NOT NULL CHECK (level IN ('district', 'street', 'community', 'grid', 'micro_grid')),
  depth smallint NOT NULL CHECK (depth BETWEEN 1 AND 5),
  -- district | subdistrict | town | development_zone | community | village | virtual_community | other
  -- | comprehensive_grid | dedicated_grid | micro_grid
  kind text NOT NULL,
  -- Denormalised ancestor codes so that a micro-grid's chain is one row.
  district_code text NOT NULL,
  street_code text,
  community_code text,
  grid_code text,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  label_point geometry(Point, 4326) NOT NULL,
  -- Area on the spheroid of the polygon as drawn (edges densified to 0.001° first, so that a long edge
  -- follows its lon/lat line, not the geodesic): additive, so children's areas sum to their parent's.
  area_m2 double precision NOT NULL,
  residential_m2 double precision NOT NULL DEFAULT 0,
  households integer NOT NULL DEFAULT 0,
  population integer NOT NULL DEFAULT 0,
  generated boolean NOT NULL,
  boundary_source text NOT NULL,
  valid_from timestamptz NOT NULL DEFAULT now(),
  valid_to timestamptz,
  CHECK (depth = CASE level WHEN 'district' THEN 1 WHEN 'street' THEN 2 WHEN 'community' THEN 3 WHEN 'grid' THEN 4 ELSE 5 END),
  CHECK ((level = 'district') = (parent_code IS NULL))
);
CREATE INDEX units_geom_idx ON units USING gist (geom);
CREATE INDEX units_micro_grid_geom_idx ON units USING gist (geom) WHERE level = 'micro_grid';
CREATE INDEX units_parent_idx ON units (parent_code);
CREATE INDEX units_label_point_idx ON units USING gist (label_point);
CREATE INDEX units_level_idx ON units (level, code);

-- Deterministic pseudo-random number in [0, 1) from a text key: the seed's only source of randomness,
-- so the same key gives the same value on every PostgreSQL (embedded or real).
CREATE FUNCTION gridops_unit_random(key text) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT ('x' || substr(md5(key), 1, 12))::bit(48)::bigint / 281474976710656.0 $$;
