-- A game of knowing each other (issue 19): on guess days the daily question is a "guess" question
-- (data/guess.toml, question ids 'guess-001') with 2-4 options. Each partner picks their own
-- answer and guesses the other's. The day itself is a question day like any other
-- (question_days), and a partner's play is also their answer there (question_answers: the text of
-- the option they picked), so the streak, the reveal, the closing and "delete mine" hold for it.

-- How often a couple's guess questions come (a missing row: weekly).
CREATE TABLE guess_settings (
    guild_id    INTEGER PRIMARY KEY REFERENCES couples (guild_id) ON DELETE CASCADE,
    frequency   TEXT    NOT NULL CHECK (frequency IN ('never', 'weekly', 'twice')),
    updated_by  INTEGER,
    updated_at  INTEGER NOT NULL
);

-- A partner's play on a guess day: the option they picked for themselves and their guess of the
-- other's pick (0-based indexes into the question's options). Private to its player until the
-- day is revealed, like the answer it belongs to (deleted with it).
CREATE TABLE guess_plays (
    day_id      INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    pick        INTEGER NOT NULL CHECK (pick BETWEEN 0 AND 3),
    guess       INTEGER NOT NULL CHECK (guess BETWEEN 0 AND 3),
    played_at   INTEGER NOT NULL,
    PRIMARY KEY (day_id, user_id),
    FOREIGN KEY (day_id, user_id) REFERENCES question_answers (day_id, user_id) ON DELETE CASCADE
);
