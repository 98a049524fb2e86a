DROP TABLE search_words;
CREATE TABLE search_words (
    entity TEXT NOT NULL,
    word TEXT NOT NULL,
    sort_name TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (entity, word, sort_name, record_id)
) WITHOUT ROWID;
DELETE FROM search_index_state;
