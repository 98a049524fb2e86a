-- The people who manage a network (منسقو الشبكة): they edit it, invite organizations,
-- answer requests to join, and hold its meetings. Platform administrators appoint them.
CREATE TABLE network_coordinators (
    network_id TEXT NOT NULL REFERENCES networks(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    appointed_at TIMESTAMP NOT NULL,
    appointed_by TEXT REFERENCES users(id),
    PRIMARY KEY (network_id, user_id)
);

CREATE INDEX network_coordinators_user ON network_coordinators (user_id, network_id);

-- A private calendar address per person: calendar apps subscribe without signing in, so
-- the address carries a secret that stands for its owner, read-only and on calendars
-- only. Only the secret's SHA-256 is kept.
CREATE TABLE calendar_tokens (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    token_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE UNIQUE INDEX calendar_tokens_hash ON calendar_tokens (token_hash);

-- An organization's answer changes only against the version its author saw.
ALTER TABLE meeting_invitations ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
