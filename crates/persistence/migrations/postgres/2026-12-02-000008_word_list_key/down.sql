DROP TABLE search_words;
CREATE TABLE search_words (
    entity TEXT COLLATE "C" NOT NULL,
    word TEXT COLLATE "C" NOT NULL,
    sort_name TEXT COLLATE "C" NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (entity, word, sort_name, record_id)
);
DELETE FROM search_index_state;
