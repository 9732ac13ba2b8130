-- Reviewers are named as the core names users ("telegram:123"), not by a
-- Telegram user id, so a reviewer of another channel can be recorded.
CREATE TABLE reviews_by_key (
	id            INTEGER PRIMARY KEY,
	at            INTEGER NOT NULL,
	reviewer      TEXT    NOT NULL,
	reviewer_name TEXT    NOT NULL,
	procedure     TEXT    NOT NULL,
	lang          TEXT    NOT NULL,
	field         TEXT    NOT NULL,
	action        TEXT    NOT NULL,
	text          TEXT    NOT NULL DEFAULT '',
	source_digest TEXT    NOT NULL
);
INSERT INTO reviews_by_key (id, at, reviewer, reviewer_name, procedure, lang, field, action, text, source_digest)
	SELECT id, at, 'telegram:' || reviewer, reviewer_name, procedure, lang, field, action, text, source_digest FROM reviews;
DROP TABLE reviews;
ALTER TABLE reviews_by_key RENAME TO reviews;
