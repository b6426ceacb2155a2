-- Patrol photos, system alarms from devices, and "whistle and report" (吹哨报到) summonses of departments.

-- The department summoned by a command centre, and the time it has to report back (minutes). Reference data
-- of the whole city, like incident_categories: no jurisdiction, so no row-level security.
CREATE TABLE departments (
  code text PRIMARY KEY CHECK (code ~ '^[a-z_]{2,40}$'),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  report_minutes integer NOT NULL CHECK (report_minutes > 0),
  sort_order smallint NOT NULL UNIQUE
);
INSERT INTO departments (code, name_zh, name_en, report_minutes, sort_order) VALUES
  ('urban_management', '城管执法', 'Urban management enforcement', 30, 1),
  ('market_regulation', '市场监管', 'Market regulation', 60, 2),
  ('ecology_environment', '生态环境', 'Ecology and environment', 60, 3),
  ('housing_construction', '住房城乡建设', 'Housing and construction', 120, 4),
  ('transport', '交通运输', 'Transport', 60, 5),
  ('police_station', '公安派出所', 'Police station', 15, 6),
  ('fire_rescue', '消防救援', 'Fire and rescue', 10, 7),
  ('power_supply', '供电', 'Power supply', 45, 8),
  ('water_affairs', '水务', 'Water affairs', 45, 9),
  ('gas_supply', '燃气', 'Gas supply', 20, 10),
  ('emergency_management', '应急管理', 'Emergency management', 30, 11),
  ('health', '卫生健康', 'Health', 60, 12),
  ('civil_affairs', '民政', 'Civil affairs', 240, 13),
  ('human_resources', '人力资源社会保障', 'Human resources and social security', 240, 14),
  ('landscaping', '园林绿化', 'Landscaping and greening', 120, 15);

-- One summons of a department about an incident, with its own deadline and escalation.
CREATE TABLE incident_summonses (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incidents (id),
  department_code text NOT NULL REFERENCES departments (code),
  note text NOT NULL,
  state text NOT NULL CHECK (state IN ('summoned', 'reported')),
  summoned_at timestamptz NOT NULL,
  summoned_by_account_id integer,
  deadline_at timestamptz NOT NULL,
  -- 0 = as summoned, 1 = escalated to the street, 2 = to the district (like incidents).
  escalation_level smallint NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 2),
  overdue boolean NOT NULL DEFAULT false,
  reported_at timestamptz,
  report_note text,
  reported_by_account_id integer,
  CHECK ((state = 'reported') = (reported_at IS NOT NULL))
);
CREATE INDEX incident_summonses_incident_idx ON incident_summonses (incident_id, id);
-- The escalation pass looks for summonses still waiting past their deadline.
CREATE INDEX incident_summonses_deadline_idx ON incident_summonses (deadline_at) WHERE state = 'summoned';
-- A department is summoned once at a time about one incident.
CREATE UNIQUE INDEX incident_summonses_one_open ON incident_summonses (incident_id, department_code) WHERE state = 'summoned';

-- Photos of an incident (patrol findings, attachments): the file lies under UPLOAD_DIR, the row says which.
CREATE TABLE incident_photos (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incidents (id),
  -- Relative to UPLOAD_DIR: a random name the server chose, never one from the request.
  storage_path text NOT NULL UNIQUE CHECK (storage_path ~ '^[0-9]{4}/[0-9]{2}/[0-9a-f]{32}\.(jpg|png|webp)$'),
  mime_type text NOT NULL CHECK (mime_type IN ('image/jpeg', 'image/png', 'image/webp')),
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  uploaded_at timestamptz NOT NULL,
  uploaded_by_account_id integer,
  worker_code text,
  -- patrol (with a new patrol report) | attachment (added to an existing incident)
  purpose text NOT NULL CHECK (purpose IN ('patrol', 'attachment'))
);
CREATE INDEX incident_photos_incident_idx ON incident_photos (incident_id, id);

-- Alarms from a device (camera or sensor): which device raised the incident, for de-duplication.
ALTER TABLE incidents ADD COLUMN device_code text;
CREATE INDEX incidents_open_device_idx ON incidents (device_code, category)
  WHERE device_code IS NOT NULL AND state NOT IN ('closed', 'rejected');

GRANT SELECT ON departments TO gridops_app;
GRANT SELECT, INSERT, UPDATE ON incident_summonses TO gridops_app;
GRANT SELECT, INSERT ON incident_photos TO gridops_app;

-- Both follow their incident: visible and writable exactly when the incident is (policy incidents_scoped).
ALTER TABLE incident_summonses ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_summonses FORCE ROW LEVEL SECURITY;
CREATE POLICY incident_summonses_owner ON incident_summonses TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY incident_summonses_scoped ON incident_summonses TO gridops_app
  USING (EXISTS (SELECT 1 FROM incidents i WHERE i.id = incident_id))
  WITH CHECK (EXISTS (SELECT 1 FROM incidents i WHERE i.id = incident_id));

ALTER TABLE incident_photos ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_photos FORCE ROW LEVEL SECURITY;
CREATE POLICY incident_photos_owner ON incident_photos TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY incident_photos_scoped ON incident_photos TO gridops_app
  USING (EXISTS (SELECT 1 FROM incidents i WHERE i.id = incident_id))
  WITH CHECK (EXISTS (SELECT 1 FROM incidents i WHERE i.id = incident_id));
