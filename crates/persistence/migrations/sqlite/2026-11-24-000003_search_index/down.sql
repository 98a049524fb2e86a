DROP TRIGGER organization_search_update;
DROP TRIGGER organization_search_delete;
DROP TRIGGER organization_search_insert;
DROP TABLE organization_search;
