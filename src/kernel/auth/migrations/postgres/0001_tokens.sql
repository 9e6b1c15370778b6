-- API tokens on PostgreSQL (SPEC "Authentication and roles"), as the embedded store's
-- migrations/sqlite/0001_tokens.sql: only the SHA-256 of each token is kept. A token is
-- never deleted and changes only once: from not revoked to revoked. The table is
-- registered 'mutable' (the app role may SELECT, INSERT and UPDATE, never DELETE) and
-- the triggers below narrow UPDATE to that one revocation and refuse DELETE and
-- TRUNCATE, for the owner too.
CREATE TABLE auth_tokens (
  token_id TEXT PRIMARY KEY,
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

CREATE FUNCTION rmos_auth_tokens_revoke_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.revoked_at_utc IS NOT NULL
     OR NEW.revoked_at_utc IS NULL
     OR NEW.revoked_by IS NULL
     OR NEW.token_id IS DISTINCT FROM OLD.token_id
     OR NEW.name IS DISTINCT FROM OLD.name
     OR NEW.roles IS DISTINCT FROM OLD.roles
     OR NEW.secret_sha256 IS DISTINCT FROM OLD.secret_sha256
     OR NEW.created_at_utc IS DISTINCT FROM OLD.created_at_utc
     OR NEW.created_by IS DISTINCT FROM OLD.created_by
     OR NEW.expires_at_utc IS DISTINCT FROM OLD.expires_at_utc THEN
    RAISE EXCEPTION 'auth_tokens: the only change allowed is revoking a token once'
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$;

CREATE FUNCTION rmos_auth_tokens_no_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'auth_tokens: tokens are never deleted, revoke them (% refused)', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER auth_tokens_revoke_only BEFORE UPDATE ON auth_tokens
  FOR EACH ROW EXECUTE FUNCTION rmos_auth_tokens_revoke_only();

CREATE TRIGGER auth_tokens_no_delete BEFORE DELETE OR TRUNCATE ON auth_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION rmos_auth_tokens_no_delete();

INSERT INTO rmos_table_policies (table_name, policy) VALUES ('auth_tokens', 'mutable');
