-- Updates as they arrive, kept until their effects are stored (processed
-- = 1), so a crash loses none; and the replies waiting to be sent, so a
-- failing Bot API loses none. Both replace deliveries, which only
-- remembered update ids.
CREATE TABLE journal (
	update_id INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	raw       BLOB    NOT NULL,
	processed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX journal_unprocessed ON journal (update_id) WHERE processed = 0;
CREATE INDEX journal_at ON journal (at);
INSERT INTO journal (update_id, at, raw, processed) SELECT update_id, at, '', 1 FROM deliveries;
DROP TABLE deliveries;

CREATE TABLE outbox (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	chat    INTEGER NOT NULL,
	grp     INTEGER NOT NULL,
	payload BLOB    NOT NULL
);
