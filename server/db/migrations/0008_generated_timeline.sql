-- Seeded history (server/seed/seed-history.ts) writes whole timelines that no one acted out: they are
-- flagged, like every generated row, so that statistics, exports and audits can tell them apart. A
-- constant default adds the column without rewriting the table.
ALTER TABLE incident_timeline ADD COLUMN generated boolean NOT NULL DEFAULT false;
