-- Networks (شبكة، تجمع، كيان جامع) of organizations, managed by coordinators. An
-- organization is a member only once its own administrators accept the invitation.
CREATE TABLE networks (
    id TEXT PRIMARY KEY,
    name_ar TEXT,
    name_en TEXT,
    description TEXT,
    area_id TEXT NOT NULL REFERENCES areas(id),
    sort_name TEXT NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);

CREATE INDEX networks_sort ON networks (sort_name, id);

CREATE TABLE network_members (
    network_id TEXT NOT NULL REFERENCES networks(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    status TEXT NOT NULL,
    invited_at TIMESTAMP NOT NULL,
    responded_at TIMESTAMP,
    PRIMARY KEY (network_id, organization_id)
);

CREATE INDEX network_members_org ON network_members (organization_id, network_id);
