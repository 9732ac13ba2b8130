-- Voice notes Loa could not listen to (a language no recogniser covers),
-- kept for the volunteers: where the audio is (the channel's file id), not
-- what it says.
CREATE TABLE voice_notes (
	id       INTEGER PRIMARY KEY,
	ref      TEXT    NOT NULL,
	channel  TEXT    NOT NULL,
	user_id  TEXT    NOT NULL,
	chat     TEXT    NOT NULL,
	grp      INTEGER NOT NULL,
	lang     TEXT    NOT NULL,
	seconds  INTEGER NOT NULL,
	at       INTEGER NOT NULL
);
CREATE INDEX voice_notes_at ON voice_notes (at);
