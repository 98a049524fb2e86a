-- Membership by invitation: an organization's administrator invites an e-mail address
-- and its holder accepts. Only the token's hash is kept; the status (pending, accepted,
-- revoked, expired) follows from the dates.
CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    accepted_by TEXT REFERENCES users(id),
    revoked_at TIMESTAMP
);

CREATE INDEX invitations_org ON invitations (organization_id, id);

CREATE INDEX invitations_email ON invitations (organization_id, email);

-- At most one open invitation per address and organization, also under concurrent invites.
CREATE UNIQUE INDEX invitations_open ON invitations (organization_id, email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
