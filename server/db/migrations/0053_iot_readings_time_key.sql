-- Issue 22: the insert cost of a reading must not grow with the day's partition (1.7 billion readings a day at
-- 20,000/s). The primary key (sensor_code, observed_at) of 0018 put each batch's readings — one per sensor — at
-- 20,000 places of a B-tree as large as the partition: once it outgrew the buffer cache (128 MB in PGlite) every
-- batch read and wrote back thousands of random pages (scripts/bench/measure-reading-insert.ts: 148 → 276 ms per
-- 5,000 readings from an empty partition to 3 million readings on PGlite). Led by the observed time, the key takes a
-- batch at its right edge (the few pages of the last seconds) whatever the partition holds, and still makes a
-- re-delivered QoS 1 message (same sensor, same observed time) a no-op: the same pairs are unique either way.
ALTER TABLE sensor_readings DROP CONSTRAINT sensor_readings_pkey;
ALTER TABLE sensor_readings ADD CONSTRAINT sensor_readings_pkey PRIMARY KEY (observed_at, sensor_code);

-- The hourly rollups (kept for ever: 480,000 rows a day at 20,000 sensors) had the same shape: a flush's 20,000
-- upserts, one per sensor, at 20,000 places of a key that grows every day. Led by the hour, a flush's cells are the
-- current hour's, side by side. (ON CONFLICT (sensor_code, hour) still finds this key: the same columns.)
ALTER TABLE sensor_readings_hourly DROP CONSTRAINT sensor_readings_hourly_pkey;
ALTER TABLE sensor_readings_hourly ADD CONSTRAINT sensor_readings_hourly_pkey PRIMARY KEY (hour, sensor_code);

-- One sensor's readings are no longer found by the key, so the sensor detail's 24 h chart (288 five-minute points)
-- reads five-minute rollups instead of the raw readings (at one reading a second that was 86,400 rows scattered
-- over the whole day's heap). Written with the hourly rollups, merged in memory (server/iot/rollup-buffer.ts), and
-- keyed by the bucket first for the same reason as the readings: a flush lands at the right edge. Daily partitions,
-- created and dropped with the readings' (the raw retention): at most 288 rows a sensor a day.
CREATE TABLE sensor_readings_5min (
  bucket timestamptz NOT NULL,
  sensor_code text NOT NULL,
  readings integer NOT NULL,
  value_min double precision NOT NULL,
  value_max double precision NOT NULL,
  value_sum double precision NOT NULL,
  PRIMARY KEY (bucket, sensor_code)
) PARTITION BY RANGE (bucket);

-- Partition names: sensor_readings_pYYYYMMDD and sensor_readings_5min_pYYYYMMDD.
CREATE OR REPLACE FUNCTION gridops_iot_ensure_partitions(first_day date, days integer) RETURNS integer
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
    name := 'sensor_readings_5min_p' || to_char(d, 'YYYYMMDD');
    IF to_regclass(name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF sensor_readings_5min FOR VALUES FROM (%L) TO (%L)',
                     name, d::timestamp AT TIME ZONE 'UTC', (d + 1)::timestamp AT TIME ZONE 'UTC');
    END IF;
  END LOOP;
  RETURN created;
END
$$;

-- Drops the daily partitions (readings and their five-minute rollups) whose whole day lies before keep_from;
-- returns the names of the readings' partitions dropped.
CREATE OR REPLACE FUNCTION gridops_iot_drop_partitions(keep_from date) RETURNS SETOF text
  LANGUAGE plpgsql AS $$
DECLARE
  part record;
BEGIN
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'sensor_readings_5min'::regclass AND c.relname ~ '^sensor_readings_5min_p\d{8}$'
       AND to_date(substring(c.relname FROM 23), 'YYYYMMDD') < keep_from
  LOOP
    EXECUTE format('DROP TABLE %I', part.relname);
  END LOOP;
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

-- The five-minute rollups of the readings already stored: a partition per existing day, filled from the raw readings.
SELECT gridops_iot_ensure_partitions(to_date(substring(c.relname FROM 18), 'YYYYMMDD'), 1)
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'sensor_readings'::regclass AND c.relname ~ '^sensor_readings_p\d{8}$';
INSERT INTO sensor_readings_5min (bucket, sensor_code, readings, value_min, value_max, value_sum)
SELECT date_bin('5 minutes', observed_at, TIMESTAMPTZ '2000-01-01 00:00:00+00'), sensor_code, count(*), min(value), max(value), sum(value)
  FROM sensor_readings GROUP BY 1, 2;

GRANT SELECT ON sensor_readings_5min TO gridops_app;
ALTER TABLE sensor_readings_5min ENABLE ROW LEVEL SECURITY;
ALTER TABLE sensor_readings_5min FORCE ROW LEVEL SECURITY;
CREATE POLICY sensor_readings_5min_owner ON sensor_readings_5min TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY sensor_readings_5min_scoped ON sensor_readings_5min FOR SELECT TO gridops_app
  USING (EXISTS (SELECT 1 FROM sensors s WHERE s.code = sensor_code));
