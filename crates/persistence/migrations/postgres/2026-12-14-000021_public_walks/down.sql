DROP INDEX partnerships_public;
CREATE INDEX partnerships_public ON partnerships (public, id);
DROP INDEX recommendation_parts_of;
CREATE INDEX recommendation_parts_of ON recommendation_parts (recommendation_id, position);
DROP INDEX partnership_parties_summary;
DROP INDEX organizations_names;
