-- OGC API – Features (issue 25): the incidents collection is filtered by time (`datetime`, CQL2 on
-- reported_at) and by a street's or district's code with a time range ("last month's red and orange cases of
-- one street"). Without these, both scan a year of incidents.
CREATE INDEX IF NOT EXISTS incidents_reported_at_idx ON incidents (reported_at);
CREATE INDEX IF NOT EXISTS incidents_street_reported_idx ON incidents (street_code, reported_at);
