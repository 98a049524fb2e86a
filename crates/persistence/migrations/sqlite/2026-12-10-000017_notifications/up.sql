-- Notifications about recommendations. Parts newly addressed wait in a queue that writes
-- fill in their own transaction; a background job turns them (and, once a day, due dates
-- a week away or passed) into one notification per person. `dedupe_key` makes each
-- notification once, whichever instance's job gets there first.
CREATE TABLE notification_queue (
    id TEXT PRIMARY KEY,
    part_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    recommendation_id TEXT NOT NULL REFERENCES recommendations(id),
    part_id TEXT NOT NULL,
    due_on DATE,
    dedupe_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    emailed_at TIMESTAMP
);

CREATE UNIQUE INDEX notifications_once ON notifications (dedupe_key);
CREATE INDEX notifications_of ON notifications (user_id, id);
CREATE INDEX notifications_unsent ON notifications (emailed_at, id);

-- Marks of periodic work shared by every instance (the day the due dates were last scanned).
CREATE TABLE job_marks (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

INSERT INTO job_marks (name, value) VALUES ('recommendation_due_scan', '');
