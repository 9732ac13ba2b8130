-- Loa's state: who speaks which language, the last card per user, updates
-- already answered, feedback, and the (redacted) question log for editors.
CREATE TABLE sessions (
	user_id    INTEGER PRIMARY KEY,
	lang       TEXT    NOT NULL DEFAULT '',
	last       TEXT    NOT NULL DEFAULT '',
	last_at    INTEGER NOT NULL DEFAULT 0,
	choices    TEXT    NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL
);

CREATE TABLE deliveries (
	update_id INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL
);
CREATE INDEX deliveries_at ON deliveries (at);

CREATE TABLE feedback (
	id        INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	procedure TEXT    NOT NULL,
	lang      TEXT    NOT NULL,
	helpful   INTEGER NOT NULL
);
CREATE INDEX feedback_at ON feedback (at);

CREATE TABLE questions (
	id        INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	lang      TEXT    NOT NULL,
	text      TEXT    NOT NULL,
	outcome   TEXT    NOT NULL,
	procedure TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX questions_at ON questions (at);
