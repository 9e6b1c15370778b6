-- The kernel's own PostgreSQL objects, applied before any plugin's migrations.
--
-- rmos_table_policies: every table a migration creates is registered here with what
-- the service may do to it. 'audit_trail': insert-only (the app role gets SELECT and
-- INSERT, and a trigger refuses UPDATE, DELETE and TRUNCATE for everyone, the owner
-- too). 'mutable': current state that changes (SELECT, INSERT, UPDATE; never DELETE).
-- 'read_only': the service reads it (SELECT). `rmos db migrate` refuses a table that
-- is not registered, so no table is ever left to a default.
CREATE TABLE rmos_table_policies (
  table_name TEXT PRIMARY KEY,
  policy TEXT NOT NULL CHECK (policy IN ('audit_trail', 'mutable', 'read_only'))
);

INSERT INTO rmos_table_policies (table_name, policy) VALUES
  ('rmos_migrations', 'read_only'),
  ('rmos_table_policies', 'read_only');

-- The trigger function of every audit-trail table: whatever the statement, refused.
CREATE FUNCTION rmos_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'rmos: % on % refused: audit-trail records are insert-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END;
$$;

-- Installs the insert-only guard on one table (or partition), once: a statement-level
-- BEFORE UPDATE OR DELETE OR TRUNCATE trigger, which fires even when no row matches.
-- Statement triggers are not inherited by partitions, so each partition gets its own.
CREATE FUNCTION rmos_guard_insert_only(target regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = target AND tgname = 'rmos_insert_only') THEN
    EXECUTE format(
      'CREATE TRIGGER rmos_insert_only BEFORE UPDATE OR DELETE OR TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION rmos_refuse_change()',
      target
    );
  END IF;
END;
$$;
