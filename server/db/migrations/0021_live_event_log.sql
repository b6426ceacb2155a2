-- The live event log (issue 24): several server instances on one PostgreSQL tell each other's screens about every
-- committed incident change. Each change to an incident appends one row here IN THE SAME TRANSACTION, with a number
-- from one counter; NOTIFY gridops_live is only the wake-up: every instance reads the new rows in order
-- (server/live/live-log-reader.ts) and fans them out to its own clients. Sequence numbers therefore mean the same on
-- every instance, and a client resumes on another instance from its last one.
--
-- Commit order = sequence order: the row is appended by a DEFERRED constraint trigger, i.e. at COMMIT, after every
-- other lock the transaction takes, and the counter row stays locked until the commit is visible. A reader that sees
-- number n therefore sees every number below n, and a number is never handed to a transaction that is rolled back
-- (the counter update rolls back with it): no gaps to wait for, nothing skipped. The counter is the last lock any
-- writing transaction takes, so it cannot take part in a deadlock; it serialises only the instant of commit.
--
-- Only connections started with `-c gridops.live_log=on` append (the request pool of a real-PostgreSQL deployment,
-- server/db/pg-driver.ts): the seed, migrations and the embedded database (one process, in-process events) write no
-- rows at all, so the embedded mode behaves exactly as before this migration.

CREATE TABLE live_event_counter (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq bigint NOT NULL
);
INSERT INTO live_event_counter (id, seq) VALUES (true, 0);

CREATE TABLE live_events (
  seq bigint PRIMARY KEY,
  topic text NOT NULL,
  ref_id bigint NOT NULL,
  -- What happened (the timeline event of the change, 'reported' for a new case, 'changed' otherwise).
  kind text NOT NULL,
  micro_grid_code text NOT NULL,
  tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
  at timestamptz NOT NULL DEFAULT now()
);
-- Dedup of one incident's several updates in one transaction, and retention pruning by time.
CREATE INDEX live_events_ref_idx ON live_events (ref_id);
CREATE INDEX live_events_at_idx ON live_events (at);

-- The epoch of this log: the client's `since.epoch`, the same on every instance of the deployment.
INSERT INTO app_meta (key, value) VALUES ('live_epoch', to_jsonb('db' || substr(md5(random()::text || clock_timestamp()::text), 1, 12)))
  ON CONFLICT (key) DO NOTHING;

-- A change of an incident: its row (intake, lifecycle, escalation, relocation) or a new timeline entry (summonses,
-- photos, repeated alarms … which leave the row as it was).
CREATE FUNCTION live_log_incident() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  next_seq bigint;
  incident bigint;
  grid text;
  what text;
BEGIN
  IF TG_TABLE_NAME = 'incidents' THEN
    incident := NEW.id;
    grid := NEW.micro_grid_code;
  ELSE
    incident := NEW.incident_id;
  END IF;
  -- One row per incident and transaction, however many times the transaction touched it.
  IF EXISTS (SELECT 1 FROM live_events e WHERE e.ref_id = incident AND e.topic = 'incidents' AND e.tx = pg_current_xact_id()) THEN
    RETURN NULL;
  END IF;
  IF grid IS NULL THEN
    SELECT i.micro_grid_code INTO grid FROM incidents i WHERE i.id = incident;
  END IF;
  SELECT t.event INTO what FROM incident_timeline t
   WHERE t.incident_id = incident AND t.xmin = pg_current_xact_id()::xid
   ORDER BY t.id DESC LIMIT 1;
  IF what IS NULL THEN
    what := CASE WHEN TG_OP = 'INSERT' AND TG_TABLE_NAME = 'incidents' THEN 'reported' ELSE 'changed' END;
  END IF;
  UPDATE live_event_counter SET seq = seq + 1 WHERE id RETURNING seq INTO next_seq;
  INSERT INTO live_events (seq, topic, ref_id, kind, micro_grid_code) VALUES (next_seq, 'incidents', incident, what, grid);
  PERFORM pg_notify('gridops_live', '');
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER incidents_live_log
  AFTER INSERT OR UPDATE ON incidents
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW
  WHEN (current_setting('gridops.live_log', true) = 'on')
  EXECUTE FUNCTION live_log_incident();

CREATE CONSTRAINT TRIGGER incident_timeline_live_log
  AFTER INSERT ON incident_timeline
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW
  WHEN (current_setting('gridops.live_log', true) = 'on')
  EXECUTE FUNCTION live_log_incident();
