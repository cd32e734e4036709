-- Rituals: recurring posts of a template (weekly check-in session, gratitude, goodnight, custom,
-- and built-ins other features add), each with its schedules in the scheduler.

CREATE TABLE rituals (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    template    TEXT    NOT NULL,
    weekdays    INTEGER NOT NULL,            -- bit 0 = Monday
    local_time  TEXT    NOT NULL,            -- 'HH:MM'
    zone        TEXT    NOT NULL,            -- the setter's zone (personal templates use each partner's)
    message     TEXT,
    created_by  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    paused      INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX rituals_guild ON rituals (guild_id);

-- One occurrence of a ritual that collects answers (a session, a gratitude round).
CREATE TABLE ritual_runs (
    id           INTEGER PRIMARY KEY,
    ritual_id    INTEGER NOT NULL REFERENCES rituals (id) ON DELETE CASCADE,
    scheduled_at INTEGER NOT NULL,
    message_id   INTEGER,
    thread_id    INTEGER,
    step         INTEGER NOT NULL DEFAULT 0,  -- the session step being answered
    completed_at INTEGER,
    UNIQUE (ritual_id, scheduled_at)
);

CREATE TABLE ritual_answers (
    run_id      INTEGER NOT NULL REFERENCES ritual_runs (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    step        INTEGER NOT NULL,
    answer      TEXT    NOT NULL,            -- gratitude: the three lines joined by newlines
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (run_id, user_id, step)
);

-- Goodnight notes sent through Closer, kept like everything else the couple writes.
CREATE TABLE goodnights (
    id        INTEGER PRIMARY KEY,
    guild_id  INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    from_user INTEGER NOT NULL,
    to_user   INTEGER NOT NULL,
    message   TEXT    NOT NULL,
    sent_at   INTEGER NOT NULL
);
