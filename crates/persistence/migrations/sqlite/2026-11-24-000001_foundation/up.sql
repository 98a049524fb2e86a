CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE sectors (
    code TEXT PRIMARY KEY,
    name_ar TEXT NOT NULL,
    name_en TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE areas (
    id TEXT PRIMARY KEY,
    parent_id TEXT REFERENCES areas(id),
    level TEXT NOT NULL,
    name_ar TEXT NOT NULL,
    name_en TEXT NOT NULL,
    path TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name_ar TEXT,
    name_en TEXT,
    acronym TEXT,
    description TEXT,
    founded_year INTEGER,
    registration_number TEXT,
    registering_authority TEXT,
    address TEXT,
    contacts TEXT NOT NULL,
    members_count BIGINT,
    volunteers_count BIGINT,
    beneficiaries_per_year BIGINT,
    offers TEXT NOT NULL,
    needs TEXT NOT NULL,
    sector_codes TEXT NOT NULL,
    area_ids TEXT NOT NULL,
    contact_visibility TEXT NOT NULL,
    verification_status TEXT NOT NULL,
    archived_at TIMESTAMP,
    search_text TEXT NOT NULL,
    sort_name TEXT NOT NULL,
    name_key_ar TEXT,
    name_key_en TEXT,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);

CREATE TABLE organization_sectors (
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    sector_code TEXT NOT NULL REFERENCES sectors(code),
    PRIMARY KEY (organization_id, sector_code)
);

CREATE TABLE organization_areas (
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    area_id TEXT NOT NULL REFERENCES areas(id),
    PRIMARY KEY (organization_id, area_id)
);

CREATE TABLE organization_resources (
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    direction TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (organization_id, direction, kind)
);

CREATE TABLE verification_events (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    reason TEXT,
    actor_id TEXT REFERENCES users(id),
    at TIMESTAMP NOT NULL
);

CREATE TABLE memberships (
    user_id TEXT NOT NULL REFERENCES users(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    role TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, organization_id)
);

CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    family_id TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP
);

CREATE TABLE login_failures (
    id TEXT PRIMARY KEY,
    throttle_key TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    request_id TEXT
);

CREATE INDEX areas_parent ON areas (parent_id);

CREATE INDEX areas_path ON areas (path);

-- Covers the directory's usual filters so a page is found without visiting rows.
CREATE INDEX organizations_sort ON organizations (sort_name, id, verification_status, kind, archived_at);

CREATE INDEX organizations_updated ON organizations (updated_at, id);

CREATE INDEX organizations_name_key_ar ON organizations (name_key_ar);

CREATE INDEX organizations_name_key_en ON organizations (name_key_en);

CREATE INDEX organization_sectors_sector ON organization_sectors (sector_code, organization_id);

CREATE INDEX organization_areas_area ON organization_areas (area_id, organization_id);

CREATE INDEX organization_resources_kind ON organization_resources (direction, kind, organization_id);

CREATE INDEX verification_events_org ON verification_events (organization_id, at);

CREATE INDEX memberships_org ON memberships (organization_id);

CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE INDEX login_failures_key ON login_failures (throttle_key, at);

CREATE INDEX audit_log_object ON audit_log (object_type, object_id, id);

CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
