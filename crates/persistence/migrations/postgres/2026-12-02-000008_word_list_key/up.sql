-- An entry's place in its word's list is one column, list_key = sort_name, U+0001, id,
-- compared bytewise ("C"; U+0001 sorts below every character of a sort name, so the
-- order is the directory's). Intersecting lists compares and seeks on it directly
-- instead of building it from two columns and splitting it again at every step. Filter
-- values (kind, sectors, areas with their ancestors, needs, offers) are words of the
-- index too (`|s:health|`). The entries are rebuilt at startup (search_index_state is
-- emptied).
DROP TABLE search_words;
CREATE TABLE search_words (
    entity TEXT COLLATE "C" NOT NULL,
    word TEXT COLLATE "C" NOT NULL,
    list_key TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (entity, word, list_key)
);
DELETE FROM search_index_state;
