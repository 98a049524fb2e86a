DROP TABLE audit_anchors;
DROP TABLE audit_chain_pending;
DROP INDEX audit_log_order;
DROP INDEX audit_log_chain;
ALTER TABLE audit_log DROP COLUMN n;
ALTER TABLE audit_log DROP COLUMN hash;
ALTER TABLE audit_log DROP COLUMN prev_hash;
ALTER TABLE audit_log DROP COLUMN seq;
