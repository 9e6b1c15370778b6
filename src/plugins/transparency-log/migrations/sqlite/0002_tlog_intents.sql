-- Leaves announced by a record plugin before it writes a record that lives outside
-- this database (a write-once file): at start the plugin appends an announced leaf
-- whose record is stored with the announced sha256 (a crash between the file and its
-- leaf) and forgets the rest. A record no intent announced is never appended at
-- start, so a file slipped into the data directory stays out of the log. Appending a
-- leaf removes its intent in the same transaction.
CREATE TABLE tlog_intents (
  type TEXT NOT NULL,
  id TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  created_at_utc TEXT NOT NULL,
  PRIMARY KEY (type, id)
);
