-- The transparency log on PostgreSQL, shared by every instance: its leaves (in order,
-- gap-free: an appending transaction takes the sequencer's advisory lock and numbers
-- its leaves after the largest index), the full tiles of hashes (each written once, in
-- the transaction that completes it), the signed checkpoints, and the intents of
-- records stored before their leaf. Leaves, tiles and checkpoints are audit-trail
-- tables: the app role may only SELECT and INSERT, and the kernel's trigger refuses
-- UPDATE, DELETE and TRUNCATE for everyone, the owner too.
CREATE TABLE tlog_leaves (
  leaf_index BIGINT PRIMARY KEY CHECK (leaf_index >= 0),
  type TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  sha256 TEXT NOT NULL,
  created_at_utc TEXT NOT NULL,
  leaf_hash BYTEA NOT NULL,
  UNIQUE (type, id)
);

-- A full tile: 256 hashes at tree level 8*level (8 192 bytes), the 255 hashes of the
-- 8 levels above them inside the tile (8 160 bytes, the tile's root last), and that
-- root again (what the tile above reads).
CREATE TABLE tlog_tiles (
  level INTEGER NOT NULL CHECK (level >= 0),
  tile_index BIGINT NOT NULL CHECK (tile_index >= 0),
  hashes BYTEA NOT NULL,
  nodes BYTEA NOT NULL,
  root BYTEA NOT NULL,
  PRIMARY KEY (level, tile_index)
);

CREATE TABLE tlog_checkpoints (
  tree_size BIGINT PRIMARY KEY CHECK (tree_size >= 0),
  root BYTEA NOT NULL,
  note TEXT NOT NULL,
  signed_at_utc TEXT NOT NULL
);

-- Leaves announced before a record stored outside a transaction with its leaf (an
-- advisory link's sidecar, for one): at start the owning plugin appends those whose
-- record is stored with the announced sha256 and forgets the rest. The app role has
-- no DELETE anywhere, so an intent is closed by its state ('appended' or 'forgotten')
-- rather than removed; announcing it again reopens it.
CREATE TABLE tlog_intents (
  type TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  sha256 TEXT NOT NULL,
  created_at_utc TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'announced' CHECK (state IN ('announced', 'appended', 'forgotten')),
  PRIMARY KEY (type, id)
);

CREATE INDEX tlog_intents_open ON tlog_intents (type, id) WHERE state = 'announced';

-- The sequencer, in one round trip: takes the log's advisory lock (namespace 'tlog' =
-- 1953263463, key 1), held until the calling transaction ends, then for each leaf in
-- order either answers the existing leaf of its (type, id) — the caller refuses a
-- conflicting repeat, which rolls the whole transaction back — or inserts it at the
-- next index and closes its intent. It also answers the size before the batch, from
-- which the caller writes the tiles the batch completed (hashing is done by the
-- service). SECURITY INVOKER: it runs with the caller's own privileges (the app role
-- may only INSERT leaves).
CREATE FUNCTION tlog_append(p_types TEXT[], p_ids TEXT[], p_sha256 TEXT[], p_created TEXT[], p_hashes BYTEA[])
RETURNS TABLE (out_index BIGINT, out_created BOOLEAN, out_sha256 TEXT, out_created_at_utc TEXT, out_size_before BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
  next_index BIGINT;
  size_before BIGINT;
  existing RECORD;
BEGIN
  PERFORM pg_advisory_xact_lock(1953263463, 1);
  SELECT COALESCE(MAX(l.leaf_index) + 1, 0) INTO next_index FROM tlog_leaves l;
  size_before := next_index;
  FOR i IN 1 .. COALESCE(array_length(p_ids, 1), 0) LOOP
    SELECT l.leaf_index, l.sha256, l.created_at_utc INTO existing
      FROM tlog_leaves l WHERE l.type = p_types[i] AND l.id = p_ids[i];
    IF FOUND THEN
      out_index := existing.leaf_index;
      out_created := false;
      out_sha256 := existing.sha256;
      out_created_at_utc := existing.created_at_utc;
    ELSE
      INSERT INTO tlog_leaves (leaf_index, type, id, sha256, created_at_utc, leaf_hash)
        VALUES (next_index, p_types[i], p_ids[i], p_sha256[i], p_created[i], p_hashes[i]);
      UPDATE tlog_intents t SET state = 'appended'
        WHERE t.type = p_types[i] AND t.id = p_ids[i] AND t.state <> 'appended';
      out_index := next_index;
      out_created := true;
      out_sha256 := p_sha256[i];
      out_created_at_utc := p_created[i];
      next_index := next_index + 1;
    END IF;
    out_size_before := size_before;
    RETURN NEXT;
  END LOOP;
END;
$$;

INSERT INTO rmos_table_policies (table_name, policy) VALUES
  ('tlog_leaves', 'audit_trail'),
  ('tlog_tiles', 'audit_trail'),
  ('tlog_checkpoints', 'audit_trail'),
  ('tlog_intents', 'mutable');
