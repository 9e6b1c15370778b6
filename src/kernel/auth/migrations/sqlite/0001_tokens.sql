-- API tokens (SPEC "Authentication and roles"): only the SHA-256 of each token is kept.
-- A token is never deleted and only ever changes once: from not revoked to revoked.
CREATE TABLE auth_tokens (
  token_id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  roles TEXT NOT NULL,
  secret_sha256 TEXT NOT NULL CHECK (length(secret_sha256) = 64),
  created_at_utc TEXT NOT NULL,
  created_by TEXT NOT NULL,
  expires_at_utc TEXT,
  revoked_at_utc TEXT,
  revoked_by TEXT
);

CREATE INDEX auth_tokens_by_name ON auth_tokens (name);

CREATE TRIGGER auth_tokens_no_delete BEFORE DELETE ON auth_tokens
BEGIN
  SELECT RAISE(ABORT, 'auth_tokens: tokens are never deleted, revoke them');
END;

CREATE TRIGGER auth_tokens_revoke_only BEFORE UPDATE ON auth_tokens
WHEN OLD.revoked_at_utc IS NOT NULL
  OR NEW.revoked_at_utc IS NULL
  OR NEW.revoked_by IS NULL
  OR NEW.token_id IS NOT OLD.token_id
  OR NEW.name IS NOT OLD.name
  OR NEW.roles IS NOT OLD.roles
  OR NEW.secret_sha256 IS NOT OLD.secret_sha256
  OR NEW.created_at_utc IS NOT OLD.created_at_utc
  OR NEW.created_by IS NOT OLD.created_by
  OR NEW.expires_at_utc IS NOT OLD.expires_at_utc
BEGIN
  SELECT RAISE(ABORT, 'auth_tokens: the only change allowed is revoking a token once');
END;
