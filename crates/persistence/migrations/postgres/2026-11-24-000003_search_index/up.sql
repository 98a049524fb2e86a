-- SQLite adds an FTS5 trigram index here; PostgreSQL already searches through the
-- pg_trgm GIN index of the foundation migration.
SELECT 1;
