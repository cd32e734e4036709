-- Core: the couple of each server, its two partners, and the bot's own small state.
-- Instants are stored as integer Unix seconds (UTC); zones as IANA names; wall times as 'HH:MM'.

CREATE TABLE bot_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE couples (
    guild_id          INTEGER PRIMARY KEY,
    channel_id        INTEGER NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('pending', 'paired')),
    inviter_id        INTEGER NOT NULL,
    invitee_id        INTEGER NOT NULL CHECK (invitee_id <> inviter_id),
    invite_message_id INTEGER,
    created_at        INTEGER NOT NULL,
    paired_at         INTEGER,
    removed_at        INTEGER          -- the bot left the server; data purged 30 days later
);

CREATE TABLE partners (
    guild_id     INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    position     INTEGER NOT NULL CHECK (position IN (1, 2)),  -- 1: the partner who ran setup
    display_name TEXT    NOT NULL,
    zone         TEXT,                                          -- NULL until they set it
    quiet_start  TEXT    NOT NULL DEFAULT '23:00',
    quiet_end    TEXT    NOT NULL DEFAULT '08:00',
    travel_zone  TEXT,
    travel_until INTEGER,                                       -- instant the trip zone ends
    PRIMARY KEY (guild_id, user_id),
    UNIQUE (guild_id, position)
);

CREATE INDEX partners_by_user ON partners (user_id);
