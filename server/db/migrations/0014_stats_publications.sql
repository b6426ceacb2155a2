-- Published months of the safety index (平安指数) and the scorecards (考核): the figures as they were computed,
-- with the formula version that computed them (server/stats/stats-scores.ts, docs/stats-formulas.md). A published
-- month is never recomputed: publishing it again with the same version is refused; a new formula version is
-- published as a new row beside the old one, and the API answers the newest version. Both writes are audited
-- by the route (auditedChange).
CREATE TABLE stats_publications (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('safety_index', 'scorecard')),
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  formula_version integer NOT NULL CHECK (formula_version > 0),
  published_at timestamptz NOT NULL,
  published_by_account_id integer REFERENCES accounts (id),
  published_by text,
  units integer NOT NULL,
  UNIQUE (kind, month, formula_version)
);

-- One unit's score and components in a publication (city, districts, streets, communities).
CREATE TABLE stats_published_scores (
  publication_id integer NOT NULL REFERENCES stats_publications (id),
  unit_code text NOT NULL,
  score double precision,
  components jsonb NOT NULL,
  PRIMARY KEY (publication_id, unit_code)
);

-- Append-only, like the audit log: a published figure cannot be altered or removed by the application.
CREATE FUNCTION gridops_stats_published_immutable() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'published statistics are immutable' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER stats_publications_immutable BEFORE UPDATE OR DELETE ON stats_publications
  FOR EACH ROW EXECUTE FUNCTION gridops_stats_published_immutable();
CREATE TRIGGER stats_published_scores_immutable BEFORE UPDATE OR DELETE ON stats_published_scores
  FOR EACH ROW EXECUTE FUNCTION gridops_stats_published_immutable();

GRANT SELECT, INSERT ON stats_publications, stats_published_scores TO gridops_app;

-- Which months are published is not a secret of any jurisdiction; the scores are scoped like every table.
ALTER TABLE stats_published_scores ENABLE ROW LEVEL SECURITY;
ALTER TABLE stats_published_scores FORCE ROW LEVEL SECURITY;
CREATE POLICY stats_published_scores_owner ON stats_published_scores TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY stats_published_scores_read ON stats_published_scores FOR SELECT TO gridops_app
  USING (gridops_within_jurisdiction(unit_code));
-- Only a whole-city administrator publishes (the route checks the role; this checks the jurisdiction).
CREATE POLICY stats_published_scores_write ON stats_published_scores FOR INSERT TO gridops_app
  WITH CHECK (gridops_jurisdiction() = 'city');
