-- A tamper-evident audit log (see the PostgreSQL migration). SQLite has one writer at a
-- time, so `n` is the next number after the greatest, assigned by the server.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
ALTER TABLE audit_log ADD COLUMN n BIGINT;
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
