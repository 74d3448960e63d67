-- Who queued a job decides who can find its recording. A watcher's path is relative to the
-- team's inbox, which every watcher has; a `process` run's is relative to the folders it was
-- given, so only a `process` run given that very content claims such a job (by its sha256),
-- until a watcher that finds the file too adopts the job with its own path.
ALTER TABLE jobs ADD COLUMN queued_by text NOT NULL DEFAULT 'watch' CHECK (queued_by IN ('watch', 'process'));

-- Output names, each given to one recording content for good: two workers naming the outputs
-- of two recordings called `call` at the same moment cannot both take `call.*`. `name` is the
-- outputs' file name without its suffix (`call`, `call-1a2b3c4d`); every output folder of the
-- team shares these names, since each machine mounts the folders where it likes.
CREATE TABLE output_names (
    name        text PRIMARY KEY,
    sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    reserved_at timestamptz NOT NULL DEFAULT now()
);
