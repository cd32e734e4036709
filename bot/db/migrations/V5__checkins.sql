-- Check-ins ("how are you doing?"), what each partner shares of them, love languages,
-- appreciations and wins. Instants are integer Unix seconds (UTC); days are the partner's local
-- check-in day as 'YYYY-MM-DD' (a day runs until 04:00 local, so a late-night check-in counts
-- for the evening before). The daily ask itself is a schedule (kind 'checkin', key = user id).

-- One check-in per partner per local day; checking in again that day updates the row.
CREATE TABLE checkins (
    guild_id     INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,                              -- the partner who checked in
    day          TEXT    NOT NULL,                              -- their local check-in day, 'YYYY-MM-DD'
    mood         INTEGER NOT NULL CHECK (mood BETWEEN 1 AND 5), -- 1 rough, 2 low, 3 okay, 4 good, 5 great
    note         TEXT,                                          -- optional, up to 1,000 characters
    zone         TEXT    NOT NULL,                              -- the IANA zone the day was read in
    created_at   INTEGER NOT NULL,                              -- first check-in that day
    updated_at   INTEGER NOT NULL,                              -- last change (mood or note)
    told_at      INTEGER,                                       -- when the other partner was last told about it
    suggested_at INTEGER,                                       -- when the other partner got an idea for a low day
    PRIMARY KEY (guild_id, user_id, day)
);

-- What each partner's check-ins show the other: 'full' (mood and note), 'mood' (mood only),
-- 'nothing' (the other partner learns nothing: no message, no chart line, no digest average).
-- No row means 'full'.
CREATE TABLE checkin_sharing (
    guild_id   INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    level      TEXT    NOT NULL CHECK (level IN ('full', 'mood', 'nothing')),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- Each partner's love languages, used to fit the ideas their partner gets on a low day.
-- Values: 'words' (words of affirmation), 'time' (quality time), 'gifts' (receiving gifts),
-- 'service' (acts of service), 'touch' (physical touch).
CREATE TABLE love_languages (
    guild_id   INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    primary_language   TEXT NOT NULL CHECK (primary_language IN ('words', 'time', 'gifts', 'service', 'touch')),
    secondary_language TEXT CHECK (secondary_language IN ('words', 'time', 'gifts', 'service', 'touch')),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- Notes of appreciation (/appreciate), sent to the partner by DM and kept.
CREATE TABLE appreciations (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    from_user    INTEGER NOT NULL,
    to_user      INTEGER NOT NULL,
    message      TEXT    NOT NULL,   -- up to 1,000 characters, as written
    created_at   INTEGER NOT NULL,
    delivered_at INTEGER             -- NULL while it waits (for the partner's quiet hours to end)
);

CREATE INDEX appreciations_by_guild ON appreciations (guild_id, created_at);

-- Wins (/win), posted in the shared channel with a Celebrate button only the partner can press.
CREATE TABLE wins (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL,  -- who shared it
    text          TEXT    NOT NULL,  -- up to 1,000 characters, as written
    created_at    INTEGER NOT NULL,
    channel_id    INTEGER,           -- where it was posted
    message_id    INTEGER,
    celebrated_by INTEGER,           -- the partner who pressed Celebrate
    celebrated_at INTEGER
);

CREATE INDEX wins_by_guild ON wins (guild_id, created_at);
