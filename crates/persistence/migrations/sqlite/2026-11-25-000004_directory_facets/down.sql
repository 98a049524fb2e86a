DROP INDEX organizations_sort;
CREATE INDEX organizations_sort ON organizations (sort_name, id, verification_status, kind, archived_at);
ALTER TABLE organizations DROP COLUMN facets;
