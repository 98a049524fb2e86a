-- Directory search on SQLite: an FTS5 trigram index over the normalized search text,
-- so substring queries use an index instead of scanning every organization.
-- (PostgreSQL uses the pg_trgm GIN index from the foundation migration.)
CREATE VIRTUAL TABLE organization_search USING fts5(
    search_text, content = 'organizations', content_rowid = 'rowid', tokenize = 'trigram'
);
INSERT INTO organization_search (rowid, search_text) SELECT rowid, search_text FROM organizations;
CREATE TRIGGER organization_search_insert AFTER INSERT ON organizations BEGIN
    INSERT INTO organization_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER organization_search_delete AFTER DELETE ON organizations BEGIN
    INSERT INTO organization_search (organization_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER organization_search_update AFTER UPDATE OF search_text ON organizations BEGIN
    INSERT INTO organization_search (organization_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO organization_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
