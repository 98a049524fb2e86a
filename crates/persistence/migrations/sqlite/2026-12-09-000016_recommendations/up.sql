-- Recommendations (توصيات) a meeting or a network produces, tracked until implemented:
-- each is addressed in parts (an organization, a government body among them, or the
-- network's coordination office), each part accepted or declined by its addressee,
-- reported on with dated progress and evidence, and verified by another party.
CREATE TABLE recommendations (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    network_id TEXT REFERENCES networks(id),
    meeting_id TEXT REFERENCES meetings(id),
    agenda_item_id TEXT REFERENCES agenda_items(id),
    text_ar TEXT,
    text_en TEXT,
    sector_codes TEXT NOT NULL,
    area_ids TEXT NOT NULL,
    priority TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT,
    due_on DATE,
    review_on DATE,
    -- Rolled up from the parts (weighted), 0..100.
    progress INTEGER NOT NULL,
    -- Adoption, then each progress update: what "stale" measures from.
    last_activity_at TIMESTAMP,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);

CREATE UNIQUE INDEX recommendations_code ON recommendations (code);
CREATE INDEX recommendations_meeting ON recommendations (meeting_id, id);
CREATE INDEX recommendations_network ON recommendations (network_id, id);
CREATE INDEX recommendations_status ON recommendations (status, id);
CREATE INDEX recommendations_due ON recommendations (status, due_on);
CREATE INDEX recommendations_activity ON recommendations (status, last_activity_at);

CREATE TABLE recommendation_sectors (
    sector_code TEXT NOT NULL REFERENCES sectors(code),
    recommendation_id TEXT NOT NULL REFERENCES recommendations(id),
    PRIMARY KEY (sector_code, recommendation_id)
);

-- Each area of a recommendation and every area above it: a filter by an area finds what
-- lies below it.
CREATE TABLE recommendation_areas (
    area_id TEXT NOT NULL REFERENCES areas(id),
    recommendation_id TEXT NOT NULL REFERENCES recommendations(id),
    PRIMARY KEY (area_id, recommendation_id)
);

-- One addressee's part; `organization_id` empty: the network's coordination office.
CREATE TABLE recommendation_parts (
    id TEXT PRIMARY KEY,
    recommendation_id TEXT NOT NULL REFERENCES recommendations(id),
    position INTEGER NOT NULL,
    organization_id TEXT REFERENCES organizations(id),
    weight INTEGER NOT NULL,
    state TEXT NOT NULL,
    answer_reason TEXT,
    answered_at TIMESTAMP,
    progress INTEGER NOT NULL,
    last_update_at TIMESTAMP,
    completed_at TIMESTAMP,
    verified_at TIMESTAMP,
    verified_by TEXT REFERENCES users(id),
    verification_comment TEXT,
    version BIGINT NOT NULL
);

CREATE INDEX recommendation_parts_of ON recommendation_parts (recommendation_id, position);
CREATE INDEX recommendation_parts_addressee ON recommendation_parts (organization_id, recommendation_id);

-- Dated progress on a part, with its evidence: links, records that implement it, and
-- documents (owner_kind `recommendation_update`).
CREATE TABLE recommendation_updates (
    id TEXT PRIMARY KEY,
    recommendation_id TEXT NOT NULL REFERENCES recommendations(id),
    part_id TEXT NOT NULL REFERENCES recommendation_parts(id),
    reported_on DATE NOT NULL,
    percent INTEGER NOT NULL,
    body TEXT NOT NULL,
    links TEXT NOT NULL,
    related TEXT NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX recommendation_updates_of ON recommendation_updates (recommendation_id, created_at);
CREATE INDEX recommendation_updates_part ON recommendation_updates (part_id, created_at);
