-- An entry's place in its word's list is one column, list_key = sort_name, U+0001, id
-- (U+0001 sorts below every character of a sort name, so the order is the directory's).
-- Intersecting lists compares and seeks on it directly instead of building it from two
-- columns and splitting it again at every step. Filter values (kind, sectors, areas with
-- their ancestors, needs, offers) are words of the index too (`|s:health|`). The
-- entries are rebuilt at startup (search_index_state is emptied).
DROP TABLE search_words;
CREATE TABLE search_words (
    entity TEXT NOT NULL,
    word TEXT NOT NULL,
    list_key TEXT NOT NULL,
    PRIMARY KEY (entity, word, list_key)
) WITHOUT ROWID;
DELETE FROM search_index_state;
