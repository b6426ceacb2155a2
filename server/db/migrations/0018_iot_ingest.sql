-- IoT ingest over MQTT (server/iot/): device credentials, readings in daily partitions, hourly rollups and the
-- latest value per sensor.

-- Credentials of the devices that connect to the embedded broker. A secret is 32 random bytes shown once at issue;
-- only its SHA-256 is stored (server/iot/device-credentials.ts says why not argon2).
--   sensor:  username = the sensor's code; publishes only gridops/sensors/<its code>/…
--   gateway: publishes for the sensors whose micro-grid lies under scope_code ('city' = all)
--   monitor: read-only, may subscribe to gridops/sensors/… under scope_code (mosquitto_sub, a dashboard)
CREATE TABLE iot_credentials (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('sensor', 'gateway', 'monitor')),
  username text NOT NULL,
  sensor_code text REFERENCES sensors (code),
  -- The unit code (or 'city') whose subtree the credential covers; for a sensor its micro-grid.
  scope_code text NOT NULL CHECK (scope_code = 'city' OR scope_code ~ '^\d{6,18}$'),
  secret_sha256 text NOT NULL CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
  label text,
  created_at timestamptz NOT NULL,
  created_by_account_id integer,
  revoked_at timestamptz,
  revoked_by_account_id integer,
  CHECK ((kind = 'sensor') = (sensor_code IS NOT NULL))
);
-- At most one active credential per username (a re-issue revokes the previous one first).
CREATE UNIQUE INDEX iot_credentials_active_username_idx ON iot_credentials (username) WHERE revoked_at IS NULL;

-- Raw readings, one native partition per UTC day (gridops_iot_ensure_partitions creates them ahead,
-- gridops_iot_drop_partitions drops them after the retention). The primary key makes a re-delivered QoS 1
-- message (same sensor, same observed time) a no-op.
CREATE TABLE sensor_readings (
  sensor_code text NOT NULL,
  observed_at timestamptz NOT NULL,
  value double precision NOT NULL,
  battery real,
  signal real,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (sensor_code, observed_at)
) PARTITION BY RANGE (observed_at);

-- Hourly rollups, kept after the raw partitions are dropped; changed in the same statement as the readings.
CREATE TABLE sensor_readings_hourly (
  sensor_code text NOT NULL,
  hour timestamptz NOT NULL,
  readings integer NOT NULL,
  value_min double precision NOT NULL,
  value_max double precision NOT NULL,
  value_sum double precision NOT NULL,
  PRIMARY KEY (sensor_code, hour)
);

-- The newest reading and the rule state of every sensor that reported: what the map and the detail show.
CREATE TABLE sensor_latest (
  sensor_code text PRIMARY KEY REFERENCES sensors (code),
  observed_at timestamptz,
  value double precision,
  battery real,
  signal real,
  last_seen_at timestamptz NOT NULL,
  -- normal | alarm | offline (server/iot/sensor-rules.ts)
  state text NOT NULL DEFAULT 'normal' CHECK (state IN ('normal', 'alarm', 'offline')),
  state_since timestamptz NOT NULL,
  -- The rule that put the sensor in alarm, and the incident that alarm opened.
  alarm_rule text,
  incident_id bigint
);
CREATE INDEX sensor_latest_state_idx ON sensor_latest (state) WHERE state <> 'normal';

-- Partition name for a day: sensor_readings_pYYYYMMDD.
CREATE FUNCTION gridops_iot_ensure_partitions(first_day date, days integer) RETURNS integer
  LANGUAGE plpgsql AS $$
DECLARE
  d date;
  created integer := 0;
  name text;
BEGIN
  FOR i IN 0 .. days - 1 LOOP
    d := first_day + i;
    name := 'sensor_readings_p' || to_char(d, 'YYYYMMDD');
    IF to_regclass(name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF sensor_readings FOR VALUES FROM (%L) TO (%L)',
                     name, d::timestamp AT TIME ZONE 'UTC', (d + 1)::timestamp AT TIME ZONE 'UTC');
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END
$$;

-- Drops the daily partitions whose whole day lies before keep_from; returns their names.
CREATE FUNCTION gridops_iot_drop_partitions(keep_from date) RETURNS SETOF text
  LANGUAGE plpgsql AS $$
DECLARE
  part record;
BEGIN
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'sensor_readings'::regclass AND c.relname ~ '^sensor_readings_p\d{8}$'
       AND to_date(substring(c.relname FROM 18), 'YYYYMMDD') < keep_from
     ORDER BY c.relname
  LOOP
    EXECUTE format('DROP TABLE %I', part.relname);
    RETURN NEXT part.relname;
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE ON iot_credentials TO gridops_app;
GRANT SELECT ON sensor_readings, sensor_readings_hourly, sensor_latest TO gridops_app;

-- Visible (and, for credentials, writable) exactly where the jurisdiction covers them.
ALTER TABLE iot_credentials ENABLE ROW LEVEL SECURITY;
ALTER TABLE iot_credentials FORCE ROW LEVEL SECURITY;
CREATE POLICY iot_credentials_owner ON iot_credentials TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY iot_credentials_scoped ON iot_credentials TO gridops_app
  USING (gridops_within_jurisdiction(scope_code)) WITH CHECK (gridops_within_jurisdiction(scope_code));

ALTER TABLE sensor_readings ENABLE ROW LEVEL SECURITY;
ALTER TABLE sensor_readings FORCE ROW LEVEL SECURITY;
CREATE POLICY sensor_readings_owner ON sensor_readings TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY sensor_readings_scoped ON sensor_readings FOR SELECT TO gridops_app
  USING (EXISTS (SELECT 1 FROM sensors s WHERE s.code = sensor_code));

ALTER TABLE sensor_readings_hourly ENABLE ROW LEVEL SECURITY;
ALTER TABLE sensor_readings_hourly FORCE ROW LEVEL SECURITY;
CREATE POLICY sensor_readings_hourly_owner ON sensor_readings_hourly TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY sensor_readings_hourly_scoped ON sensor_readings_hourly FOR SELECT TO gridops_app
  USING (EXISTS (SELECT 1 FROM sensors s WHERE s.code = sensor_code));

ALTER TABLE sensor_latest ENABLE ROW LEVEL SECURITY;
ALTER TABLE sensor_latest FORCE ROW LEVEL SECURITY;
CREATE POLICY sensor_latest_owner ON sensor_latest TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY sensor_latest_scoped ON sensor_latest FOR SELECT TO gridops_app
  USING (EXISTS (SELECT 1 FROM sensors s WHERE s.code = sensor_code));
