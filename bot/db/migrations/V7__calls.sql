-- Video-call nights, the visit countdown and special dates.
-- Instants are integer Unix seconds (UTC); wall times are 'HH:MM' read in the IANA zone stored
-- beside them (the zone of whoever set them). The posts themselves (reminders, call-time cards,
-- post-call prompts, countdowns, yearly reminders) are scheduler rows (kinds call, call_reminder,
-- call_after, call_notice, visit, special_date); these tables are what the couple decided.

-- A video call: a weekly one (a weekday and a wall time in a zone) or a one-off (an instant).
CREATE TABLE calls (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('weekly', 'once')),
    weekday      INTEGER CHECK (weekday BETWEEN 0 AND 6),  -- weekly: Monday = 0
    local_time   TEXT,                                     -- weekly: 'HH:MM' in zone
    zone         TEXT    NOT NULL,                         -- the setter's zone when it was set
    once_at      INTEGER,                                  -- one-off: when the call starts
    reminders    TEXT    NOT NULL DEFAULT '60,10',         -- minutes before the start, largest first; '' = none
    memory_after INTEGER NOT NULL DEFAULT 60,              -- minutes after the start: "Log a memory from tonight?"
    created_by   INTEGER NOT NULL,                         -- the partner who set it
    created_at   INTEGER NOT NULL,
    cancelled_at INTEGER,                                  -- /call cancel (the row stays for the history)
    CHECK ((kind = 'weekly' AND weekday IS NOT NULL AND local_time IS NOT NULL)
        OR (kind = 'once' AND once_at IS NOT NULL))
);

CREATE INDEX calls_guild ON calls (guild_id);

-- Single occurrences that differ from the plan: skipped (/call skip) or moved (an accepted
-- "Need to move it" proposal). An occurrence is named by its original start instant.
CREATE TABLE call_changes (
    call_id       INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    occurrence_at INTEGER NOT NULL,                        -- the occurrence's original start
    status        TEXT    NOT NULL CHECK (status IN ('skipped', 'moved')),
    moved_to      INTEGER,                                 -- moved: the new start
    changed_by    INTEGER NOT NULL,
    changed_at    INTEGER NOT NULL,
    PRIMARY KEY (call_id, occurrence_at),
    CHECK (status <> 'moved' OR moved_to IS NOT NULL)
);

-- Answers to the reminder's buttons: "I'll be there" (yes) or "Need to move it" (move).
CREATE TABLE call_rsvps (
    call_id       INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    occurrence_at INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    answer        TEXT    NOT NULL CHECK (answer IN ('yes', 'move')),
    answered_at   INTEGER NOT NULL,
    PRIMARY KEY (call_id, occurrence_at, user_id)
);

-- "Need to move it": a partner proposes a new start for one occurrence; the other decides.
CREATE TABLE call_proposals (
    id            INTEGER PRIMARY KEY,
    call_id       INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    occurrence_at INTEGER NOT NULL,                        -- the occurrence to move (original start)
    proposed_by   INTEGER NOT NULL,
    proposed_at   INTEGER NOT NULL,                        -- the proposed new start
    note          TEXT,                                    -- the proposer's note, as written
    status        TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'accepted', 'declined', 'superseded')),
    created_at    INTEGER NOT NULL,
    decided_by    INTEGER,
    decided_at    INTEGER,
    message_id    INTEGER                                  -- the proposal post with Accept / Decline
);

CREATE INDEX call_proposals_occurrence ON call_proposals (call_id, occurrence_at);

-- Call nights that happened: the talking-points card posted at call time.
CREATE TABLE call_nights (
    call_id       INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    guild_id      INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    occurrence_at INTEGER NOT NULL,                        -- original start (the occurrence's name)
    started_at    INTEGER NOT NULL,                        -- the actual start (after a move)
    activity      TEXT    NOT NULL,                        -- the shared activity idea offered
    message_id    INTEGER,
    posted_at     INTEGER NOT NULL,
    PRIMARY KEY (call_id, occurrence_at)
);

CREATE INDEX call_nights_guild ON call_nights (guild_id, posted_at);

-- The next time the two are together (/visit set). One current visit per server; a new one
-- replaces it (the old row keeps its cleared_at), /visit clear sets cleared_at.
CREATE TABLE visits (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    visit_date  TEXT    NOT NULL,                          -- 'YYYY-MM-DD' in zone
    visit_time  TEXT,                                      -- 'HH:MM' in zone, if given
    zone        TEXT    NOT NULL,                          -- the setter's zone
    starts_at   INTEGER NOT NULL,                          -- the instant (midnight when no time)
    set_by      INTEGER NOT NULL,
    set_at      INTEGER NOT NULL,
    cleared_at  INTEGER
);

CREATE UNIQUE INDEX visits_current ON visits (guild_id) WHERE cleared_at IS NULL;

-- Anniversaries, birthdays and other yearly dates (/date add). Feb 29 is kept as written and
-- celebrated on Feb 28 in other years.
CREATE TABLE special_dates (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('anniversary', 'birthday', 'other')),
    month       INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    day         INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31),
    year        INTEGER,                                   -- the first year, for "7 years"; NULL if not given
    label       TEXT    NOT NULL,
    zone        TEXT    NOT NULL,                          -- the adder's zone: reminders follow its days
    created_by  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE INDEX special_dates_guild ON special_dates (guild_id);
