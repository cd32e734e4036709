-- The daily deep question: what each couple draws from the bank, the questions they add, each
-- day's question with both answers, vetoed questions and evening nudges.
-- Instants are integer Unix seconds (UTC); dates are 'YYYY-MM-DD'. Question ids are the bank's
-- ('dreams-001', see data/questions.toml) or 'own-{own_questions.id}' for the couple's own.

-- What the couple draws: enabled categories and depth tiers (a missing row = everything enabled).
CREATE TABLE question_settings (
    guild_id    INTEGER PRIMARY KEY REFERENCES couples (guild_id) ON DELETE CASCADE,
    categories  TEXT    NOT NULL,            -- enabled category keys, comma-separated: 'dreams,fears,fun'
    tiers       TEXT    NOT NULL,            -- enabled depth tiers, comma-separated: '1,2,3'
    updated_by  INTEGER,                     -- the partner who last changed them
    updated_at  INTEGER NOT NULL
);

-- Questions a couple added with /question add; asked as 'own-{id}'.
CREATE TABLE own_questions (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    text        TEXT    NOT NULL,
    category    TEXT    NOT NULL,            -- a category key ('dreams', 'fears', ...)
    added_by    INTEGER NOT NULL,            -- the partner who added it
    added_at    INTEGER NOT NULL
);

CREATE INDEX own_questions_guild ON own_questions (guild_id);

-- One question asked to a couple: the day's question (or its replacement after a skip).
CREATE TABLE question_days (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    question_id  TEXT    NOT NULL,           -- 'dreams-001' or 'own-3'
    question     TEXT    NOT NULL,           -- the question's text when it was asked
    category     TEXT    NOT NULL,
    tier         INTEGER NOT NULL CHECK (tier IN (1, 2, 3)),
    day_number   INTEGER NOT NULL,           -- "Day 12": the couple's 12th question day
    local_date   TEXT    NOT NULL,           -- the question day, in the zone of the question time
    zone         TEXT    NOT NULL,           -- that zone
    round        INTEGER NOT NULL DEFAULT 1, -- which pass through the enabled questions (2+: started over)
    new_round    INTEGER NOT NULL DEFAULT 0, -- 1: the first question of a new pass (the post says so)
    repeat_of    INTEGER REFERENCES question_days (id) ON DELETE SET NULL,  -- "then and now": the earlier day
    created_at   INTEGER NOT NULL,
    posted_at    INTEGER,                    -- when the post went out (NULL: not posted yet)
    channel_id   INTEGER,                    -- where the post is (the shared channel, or a DM as a fallback)
    message_id   INTEGER,
    status       TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'revealed', 'skipped')),
    revealed_at  INTEGER,                    -- both answered: answers are locked from then on
    thread_id    INTEGER,                    -- the thread (or channel) the reveal was posted in
    reveal_message_id INTEGER,               -- the reveal's first message (NULL: not posted yet)
    skipped_by   INTEGER,                    -- the partner who vetoed it
    skipped_at   INTEGER
);

-- At most one live question per couple and day; skipped ones stay for the record.
CREATE UNIQUE INDEX question_days_one_per_date ON question_days (guild_id, local_date) WHERE status <> 'skipped';
-- Covers what choosing reads (times asked, last asked, revealed) without touching the rows.
CREATE INDEX question_days_by_question ON question_days (guild_id, question_id, status, local_date, repeat_of);

-- Each partner's answer to a question day. Before the reveal only its writer may see it.
CREATE TABLE question_answers (
    day_id       INTEGER NOT NULL REFERENCES question_days (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    answer       TEXT    NOT NULL,           -- up to 1,500 characters, as written
    answered_at  INTEGER NOT NULL,           -- first saved
    updated_at   INTEGER NOT NULL,           -- last replaced (answers can change until the reveal)
    local_date   TEXT    NOT NULL,           -- the partner's own date when first saved
    on_time      INTEGER NOT NULL DEFAULT 1, -- 1: in time for the streak (kept once earned)
    PRIMARY KEY (day_id, user_id)
);

-- Vetoed questions (/question skip): never asked again; the "for a call night" pile.
CREATE TABLE question_vetoes (
    guild_id     INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    question_id  TEXT    NOT NULL,
    question     TEXT    NOT NULL,
    category     TEXT    NOT NULL,
    vetoed_by    INTEGER NOT NULL,
    vetoed_at    INTEGER NOT NULL,
    PRIMARY KEY (guild_id, question_id)
);

-- The one evening nudge a partner gets for a question they have not answered.
CREATE TABLE question_nudges (
    day_id       INTEGER NOT NULL REFERENCES question_days (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    nudged_at    INTEGER NOT NULL,
    PRIMARY KEY (day_id, user_id)
);
