-- Lists read on PostgreSQL with statements prepared once per connection (sql.rs) read
-- what a page shows from keys rather than rows:
-- * the names of a page's hundred-odd parties or addressees: one descent each into a key
--   that holds the names, not a key and then a wide organization row;
-- * the public partnerships, in id order: a list of public ones walks only these while it
--   merges them with an area's or a sector's partnerships, where it walked every
--   partnership (two in three are not public at 100k organizations).
CREATE INDEX organizations_names ON organizations (id) INCLUDE (name_ar, name_en);
CREATE INDEX partnership_parties_summary ON partnership_parties (partnership_id, position)
    INCLUDE (organization_id, role, state);
DROP INDEX recommendation_parts_of;
CREATE INDEX recommendation_parts_of ON recommendation_parts (recommendation_id, position) INCLUDE (organization_id);
DROP INDEX partnerships_public;
CREATE INDEX partnerships_public ON partnerships (id) WHERE public;
