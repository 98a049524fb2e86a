-- Search matches the start of words (after Arabic normalization and clitic stripping),
-- not substrings: the pg_trgm index gives way to a word index shared by every
-- searchable entity. An entry carries the record's sort key, so the entries of one
-- word are already in directory order and a page of results is one index range that
-- stops after a page. The application writes the entries with the record (same
-- transaction) and fills the index for existing records at startup, when
-- search_index_state says the entity's entries are older than its rules.
-- Words compare bytewise ("C"), so a prefix is a range; sort_name and record_id
-- collate as organizations.sort_name and organizations.id do.
DROP INDEX organizations_search;
CREATE TABLE search_words (
    entity TEXT COLLATE "C" NOT NULL,
    word TEXT COLLATE "C" NOT NULL,
    sort_name TEXT COLLATE "C" NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (entity, word, sort_name, record_id)
);
CREATE TABLE search_index_state (
    entity TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL
);
