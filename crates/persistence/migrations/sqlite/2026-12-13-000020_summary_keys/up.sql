-- A page of partnerships or recommendations names its parties or addressees: a hundred or
-- more lookups per page. These keys hold what those lookups read, so each is one descent
-- into a compact key that stays cached instead of a key and then a row spread over the
-- table (organizations' rows carry descriptions and search text). SQLite's planner prefers
-- the unique `id` key, so the statements name these (`INDEXED BY`).
CREATE INDEX organizations_names ON organizations (id, name_ar, name_en);
CREATE INDEX partnership_parties_summary ON partnership_parties (partnership_id, position, organization_id, role, state);
DROP INDEX recommendation_parts_of;
CREATE INDEX recommendation_parts_of ON recommendation_parts (recommendation_id, position, organization_id);
