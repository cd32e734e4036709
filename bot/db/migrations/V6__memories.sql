-- The shared memory book: memories both partners write, their photos (files kept by Closer in
-- the data directory, under photos/), full-text search, and drafts of "Save as memory".
-- Instants are integer Unix seconds (UTC); a memory's own date is the calendar date the couple
-- gave it ('YYYY-MM-DD', no zone: it is the day it happened where it happened).

CREATE TABLE memories (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    author_id         INTEGER NOT NULL,            -- the partner who wrote (saved) the memory
    title             TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    happened_on       TEXT    NOT NULL,            -- 'YYYY-MM-DD'
    description       TEXT    NOT NULL DEFAULT '', -- up to 2,000 characters, as written
    tags              TEXT    NOT NULL DEFAULT '', -- normalised tags, comma-separated: 'beach,first trip'
    quote             TEXT    NOT NULL DEFAULT '', -- "Save as memory": the saved message's text, verbatim
    source_channel_id INTEGER,                     -- "Save as memory": where the message was
    source_message_id INTEGER,                     --   the message (a link is built from the three ids)
    source_author_id  INTEGER,                     --   who wrote the message
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    updated_by        INTEGER NOT NULL             -- the partner who last edited it (author at first)
);

CREATE INDEX memories_by_date ON memories (guild_id, happened_on DESC, id DESC);
-- "On this day": memories by month and day ('MM-DD').
CREATE INDEX memories_by_month_day ON memories (guild_id, substr(happened_on, 6, 5));

-- A memory's photos, in order. ``path`` is relative to the photos directory
-- (``{guild_id}/{generated name}.{ext}``); the file may be missing (never breaks a listing).
CREATE TABLE memory_photos (
    id           INTEGER PRIMARY KEY,
    memory_id    INTEGER NOT NULL REFERENCES memories (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,             -- 0 = the photo shown in the card
    path         TEXT    NOT NULL UNIQUE,
    filename     TEXT    NOT NULL,             -- the name it was uploaded with
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,             -- bytes
    sha256       TEXT    NOT NULL,             -- of the file's bytes, to check an export or import
    UNIQUE (memory_id, position)
);

-- Full-text search over titles, descriptions, saved message text and tags. External content:
-- the text lives in ``memories`` (read through the view below); the triggers keep the index in
-- step with it. ``scope`` holds one token per server ('g' || guild_id), so a search is limited
-- to one couple's memories inside the index itself (weight 0 in the ranking).
CREATE VIEW memories_search AS
    SELECT id, 'g' || guild_id AS scope, title, description, quote, tags FROM memories;

CREATE VIRTUAL TABLE memories_fts USING fts5 (
    scope,
    title,
    description,
    quote,
    tags,
    content = 'memories_search',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
    INSERT INTO memories_fts (rowid, scope, title, description, quote, tags)
    VALUES (new.id, 'g' || new.guild_id, new.title, new.description, new.quote, new.tags);
END;

CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, scope, title, description, quote, tags)
    VALUES ('delete', old.id, 'g' || old.guild_id, old.title, old.description, old.quote, old.tags);
END;

CREATE TRIGGER memories_fts_update AFTER UPDATE OF guild_id, title, description, quote, tags ON memories
BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, scope, title, description, quote, tags)
    VALUES ('delete', old.id, 'g' || old.guild_id, old.title, old.description, old.quote, old.tags);
    INSERT INTO memories_fts (rowid, scope, title, description, quote, tags)
    VALUES (new.id, 'g' || new.guild_id, new.title, new.description, new.quote, new.tags);
END;

-- "Save as memory" between the message menu and the form's submission: what the message held
-- when it was picked (the bot has no message-content intent, so it is kept from the interaction).
-- Deleted when the memory is saved; drafts older than a week are purged.
CREATE TABLE memory_drafts (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    user_id           INTEGER NOT NULL,        -- the partner saving it
    channel_id        INTEGER NOT NULL,
    message_id        INTEGER NOT NULL,
    source_author_id  INTEGER NOT NULL,
    quote             TEXT    NOT NULL,        -- the message's text (and its embeds' text)
    attachments       TEXT    NOT NULL,        -- JSON list of {url, filename, content_type, size}
    message_at        INTEGER NOT NULL,        -- when the message was posted
    created_at        INTEGER NOT NULL
);
