-- Open311 privacy (issue 18, docs/decisions/0003-open311-public-cases.md): which cases the anonymous public
-- may read. Public are the cases citizens reported (source open311 / citizen_app) and those a dispatcher marks
-- public (public_since, set by POST /api/incidents/:id/publicity). Sensitive categories are shown with a
-- coarse position and no address.
ALTER TABLE incidents ADD COLUMN public_since timestamptz;
ALTER TABLE incident_categories ADD COLUMN sensitive boolean NOT NULL DEFAULT false;
UPDATE incident_categories SET sensitive = true WHERE code IN ('dispute', 'public_order');
-- The public list reads newest first among the public cases only.
CREATE INDEX incidents_public_idx ON incidents (id DESC) WHERE source IN ('open311', 'citizen_app') OR public_since IS NOT NULL;
