-- Attachment blobs on PostgreSQL, content-addressed and chunked. A blob's bytes are
-- rows of attachments_blob_chunks (seq 0, 1, ... of chunk_size bytes, the last one
-- shorter), filed under a content id chosen when the upload starts — the SHA-256 is
-- only known at its end. attachments_blobs names the content: sha256 → content id and
-- size. Chunks and name are inserted in one transaction, so a blob is wholly there or
-- not at all, and of two uploads of the same bytes the second finds the name taken and
-- rolls back its chunks. Both tables are audit trail: insert-only, for the owner too.
CREATE TABLE attachments_blobs (
  sha256 TEXT PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content_id UUID NOT NULL UNIQUE,
  size_bytes BIGINT NOT NULL CHECK (size_bytes >= 0),
  chunk_size INTEGER NOT NULL CHECK (chunk_size > 0),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE attachments_blob_chunks (
  content_id UUID NOT NULL,
  seq INTEGER NOT NULL CHECK (seq >= 0),
  data BYTEA NOT NULL,
  PRIMARY KEY (content_id, seq)
);

-- Chunks are stored as they arrive, already compressed or random in practice.
ALTER TABLE attachments_blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

INSERT INTO rmos_table_policies (table_name, policy) VALUES
  ('attachments_blobs', 'audit_trail'),
  ('attachments_blob_chunks', 'audit_trail');
