-- Audio a channel has uploaded (a card read aloud), by what was read
-- (procedure, language, digest of the text): uploaded once, then reused.
CREATE TABLE audio_files (
	key TEXT PRIMARY KEY,
	ref TEXT NOT NULL,
	at  INTEGER NOT NULL
);
