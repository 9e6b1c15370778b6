-- The transparency log: its leaves (in order), the full tiles of hashes computed
-- from them (each stored once, when complete), and the checkpoints it signed. All
-- three are insert-only: the triggers refuse UPDATE and DELETE.
CREATE TABLE tlog_leaves (
  leaf_index INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  id TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  created_at_utc TEXT NOT NULL,
  leaf_hash BLOB NOT NULL,
  UNIQUE (type, id)
);

-- A full tile: 256 hashes at tree level 8*level (8 192 bytes) and the 255 hashes of
-- the 8 levels above them inside the tile (8 160 bytes; the last is the tile's root,
-- kept again in `root` so that the tile above reads 32 bytes, not the whole tile).
CREATE TABLE tlog_tiles (
  level INTEGER NOT NULL,
  tile_index INTEGER NOT NULL,
  hashes BLOB NOT NULL,
  nodes BLOB NOT NULL,
  root BLOB NOT NULL,
  PRIMARY KEY (level, tile_index)
);

CREATE TABLE tlog_checkpoints (
  tree_size INTEGER PRIMARY KEY,
  root BLOB NOT NULL,
  note TEXT NOT NULL,
  signed_at_utc TEXT NOT NULL
);

CREATE TRIGGER tlog_leaves_no_update BEFORE UPDATE ON tlog_leaves
BEGIN SELECT RAISE(ABORT, 'tlog_leaves is insert-only'); END;
CREATE TRIGGER tlog_leaves_no_delete BEFORE DELETE ON tlog_leaves
BEGIN SELECT RAISE(ABORT, 'tlog_leaves is insert-only'); END;
CREATE TRIGGER tlog_tiles_no_update BEFORE UPDATE ON tlog_tiles
BEGIN SELECT RAISE(ABORT, 'tlog_tiles is insert-only'); END;
CREATE TRIGGER tlog_tiles_no_delete BEFORE DELETE ON tlog_tiles
BEGIN SELECT RAISE(ABORT, 'tlog_tiles is insert-only'); END;
CREATE TRIGGER tlog_checkpoints_no_update BEFORE UPDATE ON tlog_checkpoints
BEGIN SELECT RAISE(ABORT, 'tlog_checkpoints is insert-only'); END;
CREATE TRIGGER tlog_checkpoints_no_delete BEFORE DELETE ON tlog_checkpoints
BEGIN SELECT RAISE(ABORT, 'tlog_checkpoints is insert-only'); END;
