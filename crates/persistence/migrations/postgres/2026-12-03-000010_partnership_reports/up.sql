-- What a partnership did and achieved, reported by one party and endorsed or disputed
-- by the others. `status` is derived from the current parties' reviews on every change:
-- `disputed` as soon as one disputes, `endorsed` when every other party endorsed.
CREATE TABLE partnership_reports (
    id TEXT PRIMARY KEY,
    partnership_id TEXT NOT NULL REFERENCES partnerships(id),
    kind TEXT NOT NULL,
    reported_by TEXT NOT NULL REFERENCES organizations(id),
    happened_on DATE NOT NULL,
    summary TEXT NOT NULL,
    details TEXT,
    area_id TEXT REFERENCES areas(id),
    party_ids TEXT NOT NULL,
    measures TEXT NOT NULL,
    links TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE INDEX partnership_reports_of ON partnership_reports (partnership_id, id);

CREATE TABLE partnership_report_reviews (
    report_id TEXT NOT NULL REFERENCES partnership_reports(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    verdict TEXT NOT NULL,
    comment TEXT,
    reviewed_by TEXT REFERENCES users(id),
    at TIMESTAMP NOT NULL,
    PRIMARY KEY (report_id, organization_id)
);

-- Bumped in the transaction of every change to the confirmed, public partnerships (the
-- partnership graph): each instance lays the graph out again once per generation.
CREATE TABLE partnership_graph_state (
    id INTEGER PRIMARY KEY,
    generation BIGINT NOT NULL
);

INSERT INTO partnership_graph_state (id, generation) VALUES (1, 0);

-- Amendments replace a partnership's sector and area links: find them by partnership.
CREATE INDEX partnership_sectors_of ON partnership_sectors (partnership_id);
CREATE INDEX partnership_areas_of ON partnership_areas (partnership_id);
