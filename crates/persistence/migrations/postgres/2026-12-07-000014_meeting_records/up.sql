-- A meeting's record: its agenda and working papers, its minutes (approved by the
-- organizations that attended, then locked; a correction is a new, linked record), its
-- decisions, and the coordination office an election makes.
ALTER TABLE meetings ADD COLUMN agenda_version BIGINT NOT NULL DEFAULT 0;

CREATE TABLE agenda_items (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings(id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    presenter_id TEXT REFERENCES organizations(id),
    duration_minutes INTEGER,
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX agenda_items_of ON agenda_items (meeting_id, position);

-- Working papers: documents (owner_kind `agenda_item`) with their title and authors.
CREATE TABLE working_papers (
    document_id TEXT PRIMARY KEY REFERENCES documents(id),
    agenda_item_id TEXT NOT NULL REFERENCES agenda_items(id),
    title TEXT NOT NULL,
    authors TEXT NOT NULL
);

CREATE INDEX working_papers_of ON working_papers (agenda_item_id);

CREATE TABLE minutes (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings(id),
    corrects_id TEXT REFERENCES minutes(id),
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    required_percent INTEGER NOT NULL,
    circulated_at TIMESTAMP,
    approved_at TIMESTAMP,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);

CREATE INDEX minutes_of ON minutes (meeting_id, created_at);

CREATE TABLE minutes_reviews (
    minutes_id TEXT NOT NULL REFERENCES minutes(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    verdict TEXT NOT NULL,
    comment TEXT,
    reviewed_by TEXT REFERENCES users(id),
    reviewed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (minutes_id, organization_id)
);

CREATE TABLE decisions (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings(id),
    position INTEGER NOT NULL,
    body TEXT NOT NULL,
    method TEXT NOT NULL,
    votes_for INTEGER,
    votes_against INTEGER,
    abstentions INTEGER,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX decisions_of ON decisions (meeting_id, position);

-- Who holds which position of a network's coordination office, from when to when
-- (inclusive; open-ended while `ends_on` is empty).
CREATE TABLE office_terms (
    id TEXT PRIMARY KEY,
    network_id TEXT NOT NULL REFERENCES networks(id),
    position TEXT NOT NULL,
    person_name TEXT NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    starts_on DATE NOT NULL,
    ends_on DATE,
    decision_id TEXT REFERENCES decisions(id),
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX office_terms_of ON office_terms (network_id, starts_on);
CREATE INDEX office_terms_by_decision ON office_terms (decision_id);

-- The longest meeting ever scheduled, in minutes: a list of meetings not yet over starts
-- its time-index range that long before now instead of walking every past meeting.
CREATE TABLE meeting_span (
    id INTEGER PRIMARY KEY,
    longest_minutes BIGINT NOT NULL
);

INSERT INTO meeting_span (id, longest_minutes) VALUES (1, 0);
