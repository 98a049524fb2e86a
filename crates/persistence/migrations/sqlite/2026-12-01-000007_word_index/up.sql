-- Search matches the start of words (after Arabic normalization and clitic stripping),
-- not substrings: the FTS5 trigram index gives way to a word index shared by every
-- searchable entity. An entry carries the record's sort key, so the entries of one
-- word are already in directory order and a page of results is one index range that
-- stops after a page. The application writes the entries with the record (same
-- transaction) and fills the index for existing records at startup, when
-- search_index_state says the entity's entries are older than its rules.
DROP TRIGGER organization_search_update;
DROP TRIGGER organization_search_delete;
DROP TRIGGER organization_search_insert;
DROP TABLE organization_search;
CREATE TABLE search_words (
    entity TEXT NOT NULL,
    word TEXT NOT NULL,
    sort_name TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (entity, word, sort_name, record_id)
) WITHOUT ROWID;
CREATE TABLE search_index_state (
    entity TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL
);
