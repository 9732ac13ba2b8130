-- Loa offers once to switch to the language a user seems to write in.
ALTER TABLE sessions ADD COLUMN offered INTEGER NOT NULL DEFAULT 0;
