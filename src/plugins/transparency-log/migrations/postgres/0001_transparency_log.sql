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

INSERT INTO rmos_table_policies (table_name, policy) VALUES
  ('tlog_leaves', 'audit_trail'),
  ('tlog_tiles', 'audit_trail'),
  ('tlog_checkpoints', 'audit_trail'),
  ('tlog_intents', 'mutable');
