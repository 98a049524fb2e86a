-- A tamper-evident audit log. Each row carries the SHA-256 of its content and of the
-- previous row about the same object (`seq` counts that object's rows from 1), so
-- editing or deleting a row breaks its object's chain. `n` orders every row (a sequence,
-- assigned when the row is inserted, after its object's previous row has committed);
-- an anchor folds the hashes of all rows up to its `upto` into one published hash, so
-- rewriting whole chains is detectable too. Existing rows are chained by the server
-- (SHA-256 is computed in Rust) while `audit_chain_pending` holds a row.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
ALTER TABLE audit_log ADD COLUMN n BIGINT;
CREATE SEQUENCE audit_log_n;
ALTER TABLE audit_log ALTER COLUMN n SET DEFAULT nextval('audit_log_n');
CREATE UNIQUE INDEX audit_log_chain ON audit_log (object_type, object_id, seq);
CREATE UNIQUE INDEX audit_log_order ON audit_log (n);

CREATE TABLE audit_chain_pending (pending INTEGER PRIMARY KEY);
INSERT INTO audit_chain_pending VALUES (1);

CREATE TABLE audit_anchors (
    id TEXT PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    upto BIGINT NOT NULL,
    row_count BIGINT NOT NULL,
    prev_hash TEXT,
    hash TEXT NOT NULL
);
CREATE UNIQUE INDEX audit_anchors_upto ON audit_anchors (upto);

-- The head of one object's chain, read after waiting for any other writer of that object
-- to commit: the lock is taken first, and a volatile function's next statement sees what
-- committed meanwhile, so two writers never chain onto the same row. The lock is held to
-- the end of the transaction, when the new row is inserted.
CREATE FUNCTION audit_head(t TEXT, o TEXT) RETURNS TABLE (head_seq BIGINT, head_hash TEXT)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(t || '/' || o, 7346));
    RETURN QUERY SELECT a.seq, a.hash FROM audit_log a
        WHERE a.object_type = t AND a.object_id = o ORDER BY a.seq DESC LIMIT 1;
END
$$;
