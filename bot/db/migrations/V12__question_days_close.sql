-- The daily question, living with it (issue 14): a question day that ends unanswered is closed,
-- the bank's new categories join the couples who chose theirs before they existed, and the
-- question's schedules carry plain labels.

-- An open question day whose day ended before both partners answered: its post is closed (no
-- buttons, "bob didn't answer this one"). NULL: still open (or revealed, or skipped).
ALTER TABLE question_days ADD COLUMN closed_at INTEGER;

-- Start-up looks for open days whose closing is not planned yet: few rows, a small index.
CREATE INDEX question_days_open ON question_days (guild_id) WHERE status = 'open' AND closed_at IS NULL;

-- Couples who chose their categories before conflict, home and family existed get them too (they
-- were never offered them to turn off). The opt-in intimacy set is never added: it stays off until
-- a couple turns it on. A couple without a settings row draws the default (all but intimacy).
UPDATE question_settings SET categories = categories || ',conflict,family,home'
WHERE ',' || categories || ',' NOT LIKE '%,conflict,%';

-- Plain labels (they are shown in /couple status): no names, no day numbers.
UPDATE schedules SET label = 'Daily question by DM' WHERE kind = 'question_dm';
UPDATE schedules SET label = 'Evening nudge' WHERE kind = 'question_nudge';
UPDATE schedules SET label = 'Answers revealed' WHERE kind = 'question_reveal';
