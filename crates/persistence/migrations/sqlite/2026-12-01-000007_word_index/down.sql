DROP TABLE search_index_state;
DROP TABLE search_words;
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
