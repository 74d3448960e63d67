-- One row per recording content (sha256): the queue and its history in one table, so a
-- duplicate under another name is a conflict on insert, not a second job.
CREATE TABLE jobs (
    id          bigserial PRIMARY KEY,
    sha256      text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    -- Relative to the inbox: every worker mounts the shared folder where it likes.
    path        text NOT NULL,
    state       text NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'running', 'waiting', 'done', 'failed')),
    -- Who holds the job (running) or last held it.
    worker      text,
    -- Until when `worker` holds it; after that any worker may take it over.
    lease_until timestamptz,
    -- When a job waiting for its outputs to become writable may be tried again.
    retry_at    timestamptz,
    -- Times it was claimed: with `worker`, names one lease, so a lease taken over is told apart.
    attempts    integer NOT NULL DEFAULT 0,
    -- Times a worker's lease on it expired mid-run: past a few, the recording is what kills them.
    abandoned   integer NOT NULL DEFAULT 0,
    error       text,
    -- Files written, relative to the output folder.
    outputs     jsonb NOT NULL DEFAULT '[]',
    elapsed_ms  bigint,
    queued_at   timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (state <> 'running' OR (worker IS NOT NULL AND lease_until IS NOT NULL)),
    CHECK (state <> 'waiting' OR retry_at IS NOT NULL)
);
-- The claim query's scan: only unfinished jobs, oldest first.
CREATE INDEX jobs_unfinished ON jobs (queued_at, id) WHERE state IN ('queued', 'running', 'waiting');

-- Which worker session owns a name: a second process under a live name is refused.
CREATE SEQUENCE worker_sessions;

CREATE TABLE workers (
    name           text PRIMARY KEY,
    host           text NOT NULL,
    pid            integer NOT NULL,
    session        bigint NOT NULL,
    -- The worker's lease: a heartbeat older than this means it is gone.
    lease_ms       bigint NOT NULL CHECK (lease_ms > 0),
    started_at     timestamptz NOT NULL DEFAULT now(),
    last_heartbeat timestamptz NOT NULL DEFAULT now(),
    -- Set by a clean stop; a worker that died just stops heartbeating.
    stopped_at     timestamptz
);

-- The team's handoffs, by the content they were made from; `document` is the handoff JSON.
CREATE TABLE handoffs (
    sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    -- Where handoff.json was written, relative to the output folder.
    path       text NOT NULL,
    sdr        text,
    call_date  date,
    status     text NOT NULL CHECK (status IN ('draft', 'ready')),
    document   jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX handoffs_by_sdr ON handoffs (sdr, call_date);
CREATE INDEX handoffs_by_date ON handoffs (call_date);

-- The review log, one row per correction, in the log's order: `seq` is its position, so
-- storing a log again (after a reconnect, or from another page) adds only what is new.
CREATE TABLE corrections (
    handoff_sha256 text NOT NULL REFERENCES handoffs (sha256) ON DELETE CASCADE,
    seq            integer NOT NULL CHECK (seq >= 0),
    correction     jsonb NOT NULL,
    stored_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (handoff_sha256, seq)
);
