-- Meetings (لقاء، ملتقى، اجتماع، ورشة): times are stored in UTC with the meeting's IANA
-- time zone, so a calendar shows the local time of the place. Cancelling keeps the row.
CREATE TABLE meetings (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT,
    network_id TEXT REFERENCES networks(id),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    time_zone TEXT NOT NULL,
    venue_name TEXT,
    venue_address TEXT,
    area_id TEXT REFERENCES areas(id),
    online_url TEXT,
    visibility TEXT NOT NULL,
    capacity INTEGER,
    cancelled_at TIMESTAMP,
    cancel_reason TEXT,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);

CREATE INDEX meetings_network_time ON meetings (network_id, starts_at, id);
CREATE INDEX meetings_time ON meetings (starts_at, id);

-- The organizations that hold a meeting (a ministry, a network's members, …).
CREATE TABLE meeting_organizers (
    meeting_id TEXT NOT NULL REFERENCES meetings(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    PRIMARY KEY (meeting_id, organization_id)
);

CREATE INDEX meeting_organizers_org ON meeting_organizers (organization_id, meeting_id);

-- Each invited organization answers for itself until the meeting starts.
CREATE TABLE meeting_invitations (
    meeting_id TEXT NOT NULL REFERENCES meetings(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    invited_at TIMESTAMP NOT NULL,
    answer TEXT NOT NULL,
    representatives INTEGER NOT NULL,
    answered_at TIMESTAMP,
    answered_by TEXT REFERENCES users(id),
    PRIMARY KEY (meeting_id, organization_id)
);

CREATE INDEX meeting_invitations_org ON meeting_invitations (organization_id, meeting_id);

-- The people an organization sends (named in its answer, or added at the door). Each
-- named person's invitation carries a check-in code; scanning it records attendance.
CREATE TABLE meeting_participants (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    title TEXT,
    check_in_code TEXT NOT NULL,
    added_at TIMESTAMP NOT NULL,
    checked_in_at TIMESTAMP,
    checked_in_by TEXT REFERENCES users(id),
    check_in_method TEXT
);

CREATE INDEX meeting_participants_of ON meeting_participants (meeting_id, organization_id, id);
CREATE UNIQUE INDEX meeting_participants_code ON meeting_participants (check_in_code);
