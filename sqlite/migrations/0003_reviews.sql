-- Decisions of native-speaker reviewers on translations, one row each;
-- never updated, the latest per item wins.
CREATE TABLE reviews (
	id            INTEGER PRIMARY KEY,
	at            INTEGER NOT NULL,
	reviewer      INTEGER NOT NULL,
	reviewer_name TEXT    NOT NULL,
	procedure     TEXT    NOT NULL,
	lang          TEXT    NOT NULL,
	field         TEXT    NOT NULL,
	action        TEXT    NOT NULL,
	text          TEXT    NOT NULL DEFAULT '',
	source_digest TEXT    NOT NULL
);
