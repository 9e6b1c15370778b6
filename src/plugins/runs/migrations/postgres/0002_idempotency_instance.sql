-- Which instance holds an in-flight idempotency reservation: the PostgreSQL
-- application_name of the pool that reserved it (unique per process, `rmos/<id>`).
-- Another instance takes a reservation over only when no session of that name is
-- connected any more (the holder stopped or crashed; the server drops a dead
-- process's sessions at once): a live instance's request in progress is never taken
-- over, so one key never creates two runs, whichever instances it reaches.
ALTER TABLE runs_idempotency_keys ADD COLUMN instance TEXT NOT NULL DEFAULT '';
