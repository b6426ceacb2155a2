-- The rollup watermark of the IoT ingest (server/iot/rollup-recovery.ts): every reading received before
-- rollups_through is counted in sensor_readings_hourly and reflected in sensor_latest. The ingest moves it after
-- each rollup flush written completely; at start the rollups and latest values of the readings received since are
-- rebuilt from the raw readings (what a kill -9 lost from the in-memory rollup buffer).
CREATE TABLE iot_rollup_watermark (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  rollups_through timestamptz NOT NULL
);
-- Readings stored before this migration are taken as rolled up (their rollups were written by then or never will be).
INSERT INTO iot_rollup_watermark (rollups_through) VALUES (now());

-- The readings received since the watermark, found without reading whole partitions: received_at grows with the
-- insertion order, so a BRIN index (a few pages per partition, next to nothing per insert) narrows them to the newest blocks.
CREATE INDEX sensor_readings_received_brin ON sensor_readings USING brin (received_at);
