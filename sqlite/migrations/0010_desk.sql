-- The volunteer desk: questions handed to people, and what became of them.
-- The question is redacted; the voice note is its file id only.
CREATE TABLE desk_items (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	channel   TEXT    NOT NULL,
	user_id   TEXT    NOT NULL,
	chat      TEXT    NOT NULL,
	grp       INTEGER NOT NULL,
	lang      TEXT    NOT NULL,
	question  TEXT    NOT NULL,
	card      TEXT    NOT NULL DEFAULT '',
	voice_ref TEXT    NOT NULL DEFAULT '',
	suggested TEXT    NOT NULL DEFAULT '', -- a reply drafted from the content, for a volunteer to check
	state     TEXT    NOT NULL,
	volunteer TEXT    NOT NULL DEFAULT '',
	created   INTEGER NOT NULL,
	taken     INTEGER NOT NULL DEFAULT 0,
	answered  INTEGER NOT NULL DEFAULT 0,
	reminded  INTEGER NOT NULL DEFAULT 0, -- when the card was last posted again
	told      INTEGER NOT NULL DEFAULT 0  -- the citizen was told once that it waits
);
CREATE INDEX desk_items_state ON desk_items (state, id);
-- What "ask a person" hands on: the last question (redacted) and voice note.
ALTER TABLE sessions ADD COLUMN asked TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN voice_ref TEXT NOT NULL DEFAULT '';
