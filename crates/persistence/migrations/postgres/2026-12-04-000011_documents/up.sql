-- Uploaded documents. The bytes live in the document store under their SHA-256 (one
-- file however many rows name it); a row is committed only once its file is durable,
-- and files no row names are removed when the server starts. `owner_kind`/`owner_id`
-- name the record a document belongs to (a partnership report now; minutes later), and
-- whoever may see that record may download it.
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    owner_kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX documents_of ON documents (owner_kind, owner_id, id);
CREATE INDEX documents_by_content ON documents (sha256);
