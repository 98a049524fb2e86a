-- Partnerships (شراكة) between organizations, real only when every party confirms its
-- own participation. `stage` is derived from the parties' answers on every change
-- (proposed, confirmed, declined, ended); the dated statuses (active, completed) are
-- read from it and the dates. `public` is kept on every change of the partnership or of
-- a party organization's verification: every party confirmed, every party verified.
CREATE TABLE partnerships (
    id TEXT PRIMARY KEY,
    title_ar TEXT,
    title_en TEXT,
    description TEXT,
    kind TEXT NOT NULL,
    sector_codes TEXT NOT NULL,
    area_ids TEXT NOT NULL,
    starts_on DATE,
    ends_on DATE,
    objectives TEXT NOT NULL,
    proposed_by TEXT REFERENCES organizations(id),
    stage TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    confirmed_at TIMESTAMP,
    first_confirmed_at TIMESTAMP,
    ended_at TIMESTAMP,
    ended_reason TEXT,
    terms_version BIGINT NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);

CREATE INDEX partnerships_public ON partnerships (public, id);
CREATE INDEX partnerships_stage ON partnerships (stage, id);
CREATE INDEX partnerships_proposer ON partnerships (proposed_by, id);

CREATE TABLE partnership_parties (
    partnership_id TEXT NOT NULL REFERENCES partnerships(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    position INTEGER NOT NULL,
    role TEXT NOT NULL,
    contribution TEXT,
    value_kind TEXT,
    value_amount BIGINT,
    value_currency TEXT,
    state TEXT NOT NULL,
    answered_at TIMESTAMP,
    answered_by TEXT REFERENCES users(id),
    comment TEXT,
    PRIMARY KEY (partnership_id, organization_id)
);

CREATE INDEX partnership_parties_org ON partnership_parties (organization_id, partnership_id);

-- Each sector of a partnership, and each of its areas with every area above it, so a
-- list by area holds everything below the area asked for.
CREATE TABLE partnership_sectors (
    sector_code TEXT NOT NULL REFERENCES sectors(code),
    partnership_id TEXT NOT NULL REFERENCES partnerships(id),
    PRIMARY KEY (sector_code, partnership_id)
);

CREATE TABLE partnership_areas (
    area_id TEXT NOT NULL REFERENCES areas(id),
    partnership_id TEXT NOT NULL REFERENCES partnerships(id),
    PRIMARY KEY (area_id, partnership_id)
);
