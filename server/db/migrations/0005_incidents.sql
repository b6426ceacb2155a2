-- Incidents (事件 / 工单): intake from every source, the closed loop, time limits and escalation.

-- The configurable category table: the grade a new incident gets and the skill a responder needs.
CREATE TABLE incident_categories (
  code text PRIMARY KEY,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  skill text NOT NULL,
  default_grade text NOT NULL CHECK (default_grade IN ('blue', 'yellow', 'orange', 'red')),
  -- Alarms from these sources start one grade higher (e.g. a gas alarm).
  alarm_grade text CHECK (alarm_grade IN ('blue', 'yellow', 'orange', 'red'))
);
INSERT INTO incident_categories (code, name_zh, name_en, skill, default_grade, alarm_grade) VALUES
  ('safety_hazard', '安全隐患', 'Safety hazard', 'safety_hazard', 'yellow', 'orange'),
  ('dispute', '矛盾纠纷', 'Dispute', 'dispute', 'yellow', NULL),
  ('city_management', '城市管理', 'City management', 'city_management', 'blue', 'yellow'),
  ('fire_safety', '消防安全', 'Fire safety', 'fire_safety', 'orange', 'red'),
  ('public_order', '社会治安', 'Public order', 'public_order', 'orange', 'red'),
  ('environment', '生态环境', 'Environment', 'environment', 'blue', 'yellow');

-- Time limits per stage by grade (category NULL) or by category and grade (overrides), in minutes.
CREATE TABLE incident_time_limits (
  category text REFERENCES incident_categories (code),
  grade text NOT NULL CHECK (grade IN ('blue', 'yellow', 'orange', 'red')),
  stage text NOT NULL CHECK (stage IN ('accept', 'dispatch', 'acknowledge', 'arrive', 'resolve', 'verify', 'evaluate')),
  minutes integer NOT NULL CHECK (minutes > 0),
  UNIQUE (category, grade, stage)
);
-- A worker answers an offer within one minute whatever the grade; then the next candidate is offered.
INSERT INTO incident_time_limits (category, grade, stage, minutes)
SELECT NULL, g.grade, s.stage, CASE WHEN s.stage = 'acknowledge' THEN 1 ELSE s.minutes * g.factor END
  FROM (VALUES ('red', 1), ('orange', 2), ('yellow', 4), ('blue', 8)) AS g(grade, factor)
 CROSS JOIN (VALUES ('accept', 5), ('dispatch', 5), ('acknowledge', 1), ('arrive', 15), ('resolve', 120), ('verify', 60), ('evaluate', 1440)) AS s(stage, minutes);

CREATE SEQUENCE incident_id_seq;
CREATE TABLE incidents (
  -- Taken from incident_id_seq in the INSERT, so that the case number can be derived from it.
  id bigint PRIMARY KEY DEFAULT nextval('incident_id_seq'),
  number text NOT NULL UNIQUE,
  source text NOT NULL CHECK (source IN ('hotline_12345', 'citizen_app', 'open311', 'patrol', 'video_ai', 'iot', 'transfer_110')),
  category text NOT NULL REFERENCES incident_categories (code),
  grade text NOT NULL CHECK (grade IN ('blue', 'yellow', 'orange', 'red')),
  grade_overridden boolean NOT NULL DEFAULT false,
  description text NOT NULL,
  address text,
  geom geometry(Point, 4326) NOT NULL,
  input_crs text NOT NULL CHECK (input_crs IN ('wgs84', 'gcj02', 'bd09')),
  input_lon double precision NOT NULL,
  input_lat double precision NOT NULL,
  micro_grid_code text NOT NULL REFERENCES units (code),
  grid_code text NOT NULL,
  community_code text NOT NULL,
  street_code text NOT NULL,
  district_code text NOT NULL,
  -- Distance to the micro-grid's edge when within 30 m: a border case.
  near_boundary_m double precision,
  state text NOT NULL CHECK (state IN ('reported', 'accepted', 'dispatched', 'on_scene', 'resolved', 'verified', 'evaluated', 'closed', 'rejected')),
  assigned_worker_code text REFERENCES workers (code),
  offer_acknowledged boolean NOT NULL DEFAULT false,
  resolved_by_worker_code text,
  resolved_by_account_id integer,
  -- The stage the deadline belongs to, and when it passes (stored, so it survives a restart).
  deadline_stage text,
  deadline_at timestamptz,
  -- 0 = the community, 1 = escalated to the street, 2 = to the district.
  escalation_level smallint NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 2),
  overdue boolean NOT NULL DEFAULT false,
  satisfaction smallint CHECK (satisfaction BETWEEN 1 AND 5),
  merged_into bigint REFERENCES incidents (id),
  reported_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  closed_at timestamptz,
  generated boolean NOT NULL DEFAULT false
);
CREATE INDEX incidents_geom_idx ON incidents USING gist (geom);
CREATE INDEX incidents_open_idx ON incidents (state, category, reported_at) WHERE state NOT IN ('closed', 'rejected');
CREATE INDEX incidents_deadline_idx ON incidents (deadline_at) WHERE deadline_at IS NOT NULL;
CREATE INDEX incidents_micro_grid_idx ON incidents (micro_grid_code, reported_at);
CREATE INDEX incidents_worker_idx ON incidents (assigned_worker_code) WHERE assigned_worker_code IS NOT NULL;

-- Everyone who reported it: a merged duplicate keeps every reporter and source. Personal data: never logged.
CREATE TABLE incident_reports (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incidents (id),
  source text NOT NULL,
  external_id text,
  reporter_name text,
  reporter_phone text,
  description text NOT NULL,
  received_at timestamptz NOT NULL
);
CREATE INDEX incident_reports_incident_idx ON incident_reports (incident_id);

-- The timeline of every incident: each transition, escalation, offer and note.
CREATE TABLE incident_timeline (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incidents (id),
  at timestamptz NOT NULL,
  event text NOT NULL,
  from_state text,
  to_state text,
  actor_account_id integer,
  actor_role text,
  worker_code text,
  detail jsonb
);
CREATE INDEX incident_timeline_incident_idx ON incident_timeline (incident_id, at);

GRANT SELECT ON incident_categories, incident_time_limits TO gridops_app;
GRANT USAGE ON SEQUENCE incident_id_seq TO gridops_app;
GRANT SELECT, INSERT, UPDATE ON incidents TO gridops_app;
GRANT SELECT, INSERT ON incident_reports, incident_timeline TO gridops_app;

ALTER TABLE incidents ENABLE ROW LEVEL SECURITY;
ALTER TABLE incidents FORCE ROW LEVEL SECURITY;
CREATE POLICY incidents_owner ON incidents TO PUBLIC USING (current_user <> 'gridops_app');
-- In the jurisdiction, or assigned to the field worker asking (a case in the next grid is still theirs).
CREATE POLICY incidents_scoped ON incidents TO gridops_app
  USING (gridops_within_jurisdiction(micro_grid_code)
         OR (assigned_worker_code IS NOT NULL AND assigned_worker_code = nullif(current_setting('gridops.worker_code', true), '')))
  -- A worker may write only rows the USING clause let them see (their own cases); declining one unassigns it.
  WITH CHECK (gridops_within_jurisdiction(micro_grid_code) OR nullif(current_setting('gridops.worker_code', true), '') IS NOT NULL);

ALTER TABLE incident_reports ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_reports FORCE ROW LEVEL SECURITY;
CREATE POLICY incident_reports_owner ON incident_reports TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY incident_reports_scoped ON incident_reports TO gridops_app
  USING (EXISTS (SELECT 1 FROM incidents i WHERE i.id = incident_id))
  WITH CHECK (EXISTS (SELECT 1 FROM incidents i WHERE i.id = incident_id));

ALTER TABLE incident_timeline ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_timeline FORCE ROW LEVEL SECURITY;
CREATE POLICY incident_timeline_owner ON incident_timeline TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY incident_timeline_scoped ON incident_timeline TO gridops_app
  USING (EXISTS (SELECT 1 FROM incidents i WHERE i.id = incident_id))
  WITH CHECK (EXISTS (SELECT 1 FROM incidents i WHERE i.id = incident_id));

-- The deadline of a stage started at `from`: the category's own limit if it has one, else the grade's.
CREATE FUNCTION gridops_deadline(category text, grade text, stage text, started timestamptz) RETURNS timestamptz
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT started + (SELECT minutes FROM incident_time_limits l
                           WHERE l.grade = gridops_deadline.grade AND l.stage = gridops_deadline.stage
                             AND (l.category = gridops_deadline.category OR l.category IS NULL)
                           ORDER BY l.category NULLS LAST LIMIT 1) * interval '1 minute' $$;

-- A worker is booked on at most one active case: two dispatchers racing for one worker cannot both win.
CREATE UNIQUE INDEX incidents_one_active_case_per_worker ON incidents (assigned_worker_code)
  WHERE state IN ('dispatched', 'on_scene');
