-- The road graph (yzengal/RoadNetwork-China-City, OSM Feb 2021), workers, cameras and sensors.

CREATE TABLE road_vertices (
  id integer PRIMARY KEY,
  geom geometry(Point, 4326) NOT NULL
);
CREATE INDEX road_vertices_geom_idx ON road_vertices USING gist (geom);

-- Directed edges: every road segment appears once in each direction.
CREATE TABLE road_edges (
  id integer PRIMARY KEY,
  source integer NOT NULL REFERENCES road_vertices (id),
  target integer NOT NULL REFERENCES road_vertices (id),
  length_m double precision NOT NULL CHECK (length_m >= 0),
  travel_time_s double precision NOT NULL CHECK (travel_time_s >= 0),
  -- Estimated from speed: motorway, primary, tertiary, residential, service.
  road_class text NOT NULL,
  geom geometry(LineString, 4326) NOT NULL
);
CREATE INDEX road_edges_geom_idx ON road_edges USING gist (geom);
CREATE INDEX road_edges_source_idx ON road_edges (source);

CREATE TABLE workers (
  id integer PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  phone text NOT NULL,
  -- micro_grid_worker | grid_worker | legal_affairs | community_police | mediator | mobile_worker | department_staff
  role text NOT NULL,
  skills text[] NOT NULL,
  home_unit_code text NOT NULL REFERENCES units (code),
  duty_status text NOT NULL CHECK (duty_status IN ('on_duty', 'busy', 'off_duty')),
  last_position geometry(Point, 4326),
  last_position_at timestamptz,
  generated boolean NOT NULL
);
CREATE INDEX workers_home_unit_idx ON workers (home_unit_code);
CREATE INDEX workers_position_idx ON workers USING gist (last_position);

CREATE TABLE cameras (
  id integer PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  geom geometry(Point, 4326) NOT NULL,
  heading_deg double precision NOT NULL CHECK (heading_deg >= 0 AND heading_deg < 360),
  fov_deg double precision NOT NULL CHECK (fov_deg > 0 AND fov_deg <= 360),
  range_m double precision NOT NULL CHECK (range_m > 0),
  stream_url text,
  online boolean NOT NULL,
  -- The coordinate system the position was delivered in, and the original coordinates.
  source_crs text NOT NULL CHECK (source_crs IN ('wgs84', 'gcj02', 'bd09')),
  source_lon double precision NOT NULL,
  source_lat double precision NOT NULL,
  micro_grid_code text REFERENCES units (code),
  generated boolean NOT NULL
);
CREATE INDEX cameras_geom_idx ON cameras USING gist (geom);

CREATE TABLE sensors (
  id integer PRIMARY KEY,
  code text NOT NULL UNIQUE,
  -- smoke | water_level | manhole | gas | elevator | ebike_charging | noise | air
  kind text NOT NULL,
  geom geometry(Point, 4326) NOT NULL,
  -- The unit of measurement of its readings.
  measurement_unit text NOT NULL,
  threshold double precision,
  online boolean NOT NULL,
  micro_grid_code text REFERENCES units (code),
  generated boolean NOT NULL
);
CREATE INDEX sensors_geom_idx ON sensors USING gist (geom);
CREATE INDEX sensors_micro_grid_idx ON sensors (micro_grid_code);
