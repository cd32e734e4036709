-- Letters for later (/letter): a letter one partner writes for the other to read later.
-- Either a time capsule (open_on: a calendar day, delivered by DM at the recipient's local morning
-- that day; the delivery is a scheduler one-off of kind letter_capsule) or a sealed letter for an
-- occasion in words ("when you miss me"), opened when the recipient chooses (/letter open).
-- Instants are integer Unix seconds (UTC). A letter's text is never shown to the recipient before
-- delivered_at (capsule) or opened_at (sealed) is set; the writer can change or withdraw it until then.

CREATE TABLE letters (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL REFERENCES couples (guild_id) ON DELETE CASCADE,
    from_user    INTEGER NOT NULL,                 -- the writer
    to_user      INTEGER NOT NULL,                 -- the recipient, the other partner
    title        TEXT    NOT NULL,                 -- up to 100 characters
    body         TEXT    NOT NULL,                 -- up to 4,000 characters
    open_on      TEXT,                             -- capsule: 'YYYY-MM-DD', in the recipient's zone
    occasion     TEXT,                             -- sealed: "when you miss me" (up to 100 characters)
    written_at   INTEGER NOT NULL,
    edited_at    INTEGER,
    delivered_at INTEGER,                          -- capsule: when its DM went out
    opened_at    INTEGER,                          -- sealed: when the recipient opened it
    CHECK ((open_on IS NULL) <> (occasion IS NULL)),
    CHECK (from_user <> to_user)
);

CREATE INDEX letters_to ON letters (guild_id, to_user);
CREATE INDEX letters_from ON letters (guild_id, from_user);
