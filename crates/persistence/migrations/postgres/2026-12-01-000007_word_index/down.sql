DROP TABLE search_index_state;
DROP TABLE search_words;
CREATE INDEX organizations_search ON organizations USING gin (search_text gin_trgm_ops);
