-- Per-sensor overrides of the IoT rules (server/iot/sensor-rule-config.ts: kind defaults, then the seeded
-- threshold, then these keys), set by an administrator (PUT /api/iot/sensors/:code/rules, audited).
CREATE TABLE sensor_rule_overrides (
  sensor_code text PRIMARY KEY REFERENCES sensors (code),
  rules jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'object'),
  updated_at timestamptz NOT NULL,
  updated_by_account_id integer
);

GRANT SELECT, INSERT, UPDATE, DELETE ON sensor_rule_overrides TO gridops_app;
ALTER TABLE sensor_rule_overrides ENABLE ROW LEVEL SECURITY;
ALTER TABLE sensor_rule_overrides FORCE ROW LEVEL SECURITY;
CREATE POLICY sensor_rule_overrides_owner ON sensor_rule_overrides TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY sensor_rule_overrides_scoped ON sensor_rule_overrides TO gridops_app
  USING (EXISTS (SELECT 1 FROM sensors s WHERE s.code = sensor_code))
  WITH CHECK (EXISTS (SELECT 1 FROM sensors s WHERE s.code = sensor_code));
