-- Broadcasts: who opted in to announcements (by language), and each
-- announcement with its recipients, stored before anything is sent so a
-- restart resumes where it stopped.
CREATE TABLE subscribers (
	user_key TEXT    PRIMARY KEY, -- Address.Key
	channel  TEXT    NOT NULL,
	user_id  TEXT    NOT NULL,
	chat     TEXT    NOT NULL,
	lang     TEXT    NOT NULL,
	since    INTEGER NOT NULL
);
CREATE INDEX subscribers_lang ON subscribers (lang);

CREATE TABLE broadcasts (
	id       INTEGER PRIMARY KEY AUTOINCREMENT,
	lang     TEXT    NOT NULL,
	text     TEXT    NOT NULL,
	by_channel TEXT  NOT NULL DEFAULT '', -- the editor told the result, if any
	by_user  TEXT    NOT NULL DEFAULT '',
	by_chat  TEXT    NOT NULL DEFAULT '',
	created  INTEGER NOT NULL,
	reported INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE broadcast_sends (
	broadcast INTEGER NOT NULL REFERENCES broadcasts (id),
	user_key  TEXT    NOT NULL,
	channel   TEXT    NOT NULL,
	user_id   TEXT    NOT NULL,
	chat      TEXT    NOT NULL,
	state     TEXT    NOT NULL, -- pending, sent, blocked, failed
	PRIMARY KEY (broadcast, user_key)
);
CREATE INDEX broadcast_sends_pending ON broadcast_sends (state, broadcast);
