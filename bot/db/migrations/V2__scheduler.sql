-- The scheduler: every recurring or one-off thing Closer posts, and the ledger of deliveries.
-- A schedule is a wall time ('HH:MM') on some weekdays in a zone, or a one-off instant.

CREATE TABLE schedules (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER REFERENCES couples (guild_id) ON DELETE CASCADE,  -- NULL: host-wide jobs
    kind        TEXT    NOT NULL,              -- which handler delivers it
    key         TEXT    NOT NULL DEFAULT '',   -- tells apart schedules of one kind in a server
    label       TEXT    NOT NULL,              -- what the ledger calls it
    owner_id    INTEGER,                       -- the partner it is for, or who set it
    personal    INTEGER NOT NULL DEFAULT 0,    -- 1: follows the owner's zone (and trips) and quiet hours
    local_time  TEXT,                          -- 'HH:MM' for a recurring schedule
    weekdays    INTEGER NOT NULL DEFAULT 127,  -- bit 0 = Monday
    zone        TEXT,                          -- the setter's zone (non-personal recurring)
    once_at     INTEGER,                       -- the instant of a one-off schedule
    paused      INTEGER NOT NULL DEFAULT 0,
    next_due    INTEGER,                       -- next occurrence not handled yet (its key); NULL: done
    fire_at     INTEGER,                       -- when to handle it (after quiet hours); NULL: done
    payload     TEXT    NOT NULL DEFAULT '{}', -- JSON for the handler
    created_at  INTEGER NOT NULL
);

CREATE UNIQUE INDEX schedules_identity ON schedules (kind, IFNULL(guild_id, 0), key);
CREATE INDEX schedules_fire ON schedules (fire_at) WHERE paused = 0 AND fire_at IS NOT NULL;
CREATE INDEX schedules_guild ON schedules (guild_id);

-- One row per occurrence: claimed under the unique key before sending, so it is posted once.
CREATE TABLE deliveries (
    id           INTEGER PRIMARY KEY,
    schedule_id  INTEGER NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    scheduled_at INTEGER NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('claimed', 'sent', 'late', 'missed', 'failed', 'skipped', 'retry')),
    attempted_at INTEGER NOT NULL,
    message_id   INTEGER,
    channel_id   INTEGER,
    detail       TEXT,
    UNIQUE (schedule_id, scheduled_at)
);

CREATE INDEX deliveries_recent ON deliveries (schedule_id, attempted_at);
