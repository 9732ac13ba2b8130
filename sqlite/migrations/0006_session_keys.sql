-- Sessions are kept under a channel-neutral key ("telegram:123"), not a
-- Telegram user id, so another channel's users have sessions too.
CREATE TABLE sessions_by_key (
	user_key   TEXT    PRIMARY KEY,
	lang       TEXT    NOT NULL DEFAULT '',
	last       TEXT    NOT NULL DEFAULT '',
	last_at    INTEGER NOT NULL DEFAULT 0,
	choices    TEXT    NOT NULL DEFAULT '',
	offered    INTEGER NOT NULL DEFAULT 0,
	updated_at INTEGER NOT NULL
);
INSERT INTO sessions_by_key (user_key, lang, last, last_at, choices, offered, updated_at)
	SELECT 'telegram:' || user_id, lang, last, last_at, choices, offered, updated_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_by_key RENAME TO sessions;
