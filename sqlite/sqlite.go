// Package sqlite stores Loa's state in SQLite through modernc.org/sqlite, a
// pure-Go driver: no cgo, one file, nothing to install.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"loa/bot"
	"loa/knowledge"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a bot.Store in one SQLite file.
type Store struct {
	db *sql.DB
}

var _ bot.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path and brings its
// schema up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	// WAL with synchronous=NORMAL: a commit survives the process being killed
	// (it is in the OS cache at once), only a power cut may undo the last ones;
	// commits then take microseconds, not an fsync each.
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open state database %s: %w", path, err)
	}
	db.SetMaxOpenConns(1) // SQLite writes one at a time; one connection avoids "database is locked"
	s := &Store{db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("state database %s: %w", path, err)
	}
	return s, nil
}

// migrate applies the migrations newer than the database's user_version,
// each in its own transaction.
func (s *Store) migrate(ctx context.Context) error {
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	if version > len(names) {
		return fmt.Errorf("schema version %d is newer than this loa (%d): upgrade loa", version, len(names))
	}
	for i := version; i < len(names); i++ {
		script, err := fs.ReadFile(migrations, names[i])
		if err != nil {
			return err
		}
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(script)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", names[i], err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", i+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", names[i], err)
		}
	}
	return nil
}

// LoadSession implements bot.Store.
func (s *Store) LoadSession(ctx context.Context, key string) (bot.Session, error) {
	var lang, last, choices, asked, voiceRef, person, commune string
	var lastAt int64
	var offered bool
	err := s.db.QueryRowContext(ctx, `SELECT lang, last, last_at, choices, offered, asked, voice_ref, person, commune FROM sessions WHERE user_key = ?`, key).Scan(&lang, &last, &lastAt, &choices, &offered, &asked, &voiceRef, &person, &commune)
	if errors.Is(err, sql.ErrNoRows) {
		return bot.Session{}, nil
	}
	if err != nil {
		return bot.Session{}, fmt.Errorf("load session: %w", err)
	}
	sess := bot.Session{Lang: knowledge.Lang(lang), Last: last, Offered: offered, Asked: asked, VoiceRef: voiceRef, Person: person, Commune: commune}
	if lastAt > 0 {
		sess.LastAt = time.UnixMilli(lastAt)
	}
	if choices != "" {
		sess.Choices = strings.Split(choices, ",")
	}
	return sess, nil
}

// SaveSession implements bot.Store.
func (s *Store) SaveSession(ctx context.Context, key string, sess bot.Session) error {
	var lastAt int64
	if !sess.LastAt.IsZero() {
		lastAt = sess.LastAt.UnixMilli()
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (user_key, lang, last, last_at, choices, offered, asked, voice_ref, person, commune, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_key) DO UPDATE SET lang = excluded.lang, last = excluded.last, last_at = excluded.last_at, choices = excluded.choices, offered = excluded.offered, asked = excluded.asked, voice_ref = excluded.voice_ref, person = excluded.person, commune = excluded.commune, updated_at = excluded.updated_at`,
		key, string(sess.Lang), sess.Last, lastAt, strings.Join(sess.Choices, ","), sess.Offered, sess.Asked, sess.VoiceRef, sess.Person, sess.Commune, time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

// AddDeskItem implements bot.Store.
func (s *Store) AddDeskItem(ctx context.Context, it bot.DeskItem) (int64, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO desk_items (channel, user_id, chat, grp, lang, question, card, voice_ref, suggested, state, volunteer, answer, commune, created, taken, answered) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		it.From.Channel, it.From.User, it.From.Chat, it.From.Group, string(it.Lang), it.Question, it.Card, it.VoiceRef, it.Suggested, string(it.State), it.Volunteer, it.Answer, it.Commune, millis(it.Created), millis(it.Taken), millis(it.Answered))
	if err != nil {
		return 0, fmt.Errorf("add desk item: %w", err)
	}
	return res.LastInsertId()
}

// SaveDeskItem implements bot.Store.
func (s *Store) SaveDeskItem(ctx context.Context, it bot.DeskItem) error {
	res, err := s.db.ExecContext(ctx, `UPDATE desk_items SET state = ?, volunteer = ?, answer = ?, taken = ?, answered = ?, reminded = ?, told = ? WHERE id = ?`,
		string(it.State), it.Volunteer, it.Answer, millis(it.Taken), millis(it.Answered), millis(it.Reminded), it.Told, it.ID)
	if err != nil {
		return fmt.Errorf("save desk item: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("save desk item: no item %d", it.ID)
	}
	return nil
}

// DeskItem implements bot.Store.
func (s *Store) DeskItem(ctx context.Context, id int64) (bot.DeskItem, bool, error) {
	items, err := s.deskItems(ctx, `WHERE id = ?`, id)
	if err != nil || len(items) == 0 {
		return bot.DeskItem{}, false, err
	}
	return items[0], true, nil
}

// DeskItems implements bot.Store.
func (s *Store) DeskItems(ctx context.Context, states ...bot.DeskState) ([]bot.DeskItem, error) {
	if len(states) == 0 {
		return s.deskItems(ctx, "")
	}
	args := make([]any, len(states))
	for i, st := range states {
		args[i] = string(st)
	}
	return s.deskItems(ctx, "WHERE state IN (?"+strings.Repeat(", ?", len(states)-1)+")", args...)
}

func (s *Store) deskItems(ctx context.Context, where string, args ...any) ([]bot.DeskItem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, channel, user_id, chat, grp, lang, question, card, voice_ref, suggested, state, volunteer, answer, commune, created, taken, answered, reminded, told FROM desk_items `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("read desk items: %w", err)
	}
	defer rows.Close()
	var out []bot.DeskItem
	for rows.Next() {
		var it bot.DeskItem
		var lang, state string
		var created, taken, answered, reminded int64
		if err := rows.Scan(&it.ID, &it.From.Channel, &it.From.User, &it.From.Chat, &it.From.Group, &lang, &it.Question, &it.Card, &it.VoiceRef, &it.Suggested, &state, &it.Volunteer, &it.Answer, &it.Commune, &created, &taken, &answered, &reminded, &it.Told); err != nil {
			return nil, fmt.Errorf("read desk items: %w", err)
		}
		it.Lang, it.State = knowledge.Lang(lang), bot.DeskState(state)
		it.Created, it.Taken, it.Answered, it.Reminded = fromMillis(created), fromMillis(taken), fromMillis(answered), fromMillis(reminded)
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read desk items: %w", err)
	}
	return out, nil
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// AudioFile implements bot.Store.
func (s *Store) AudioFile(ctx context.Context, key string) (string, bool, error) {
	var ref string
	err := s.db.QueryRowContext(ctx, `SELECT ref FROM audio_files WHERE key = ?`, key).Scan(&ref)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read uploaded audio: %w", err)
	}
	return ref, true, nil
}

// SaveAudioFile implements bot.Store.
func (s *Store) SaveAudioFile(ctx context.Context, key, ref string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO audio_files (key, ref, at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET ref = excluded.ref, at = excluded.at`, key, ref, time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("remember uploaded audio: %w", err)
	}
	return nil
}

// KeepVoiceNote implements bot.Store.
func (s *Store) KeepVoiceNote(ctx context.Context, v bot.VoiceNote) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO voice_notes (ref, channel, user_id, chat, grp, lang, seconds, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		v.Ref, v.From.Channel, v.From.User, v.From.Chat, v.From.Group, string(v.Lang), v.Seconds, v.At.UnixMilli())
	if err != nil {
		return fmt.Errorf("keep voice note: %w", err)
	}
	return nil
}

// WaitingVoiceNotes implements bot.Store.
func (s *Store) WaitingVoiceNotes(ctx context.Context) ([]bot.VoiceNote, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT ref, channel, user_id, chat, grp, lang, seconds, at FROM voice_notes ORDER BY at, id`)
	if err != nil {
		return nil, fmt.Errorf("read voice notes: %w", err)
	}
	defer rows.Close()
	var out []bot.VoiceNote
	for rows.Next() {
		var v bot.VoiceNote
		var lang string
		var at int64
		if err := rows.Scan(&v.Ref, &v.From.Channel, &v.From.User, &v.From.Chat, &v.From.Group, &lang, &v.Seconds, &at); err != nil {
			return nil, fmt.Errorf("read voice notes: %w", err)
		}
		v.Lang, v.At = knowledge.Lang(lang), time.UnixMilli(at)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read voice notes: %w", err)
	}
	return out, nil
}

// Receive implements bot.Store.
func (s *Store) Receive(ctx context.Context, id int64, raw []byte, at time.Time) (bool, error) {
	if raw == nil {
		raw = []byte{}
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO journal (update_id, at, raw) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, id, at.UnixMilli(), raw)
	if err != nil {
		return false, fmt.Errorf("record update: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Unprocessed implements bot.Store.
func (s *Store) Unprocessed(ctx context.Context) ([]bot.Received, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT update_id, at, raw FROM journal WHERE processed = 0 ORDER BY update_id`)
	if err != nil {
		return nil, fmt.Errorf("read unprocessed updates: %w", err)
	}
	defer rows.Close()
	var out []bot.Received
	for rows.Next() {
		var r bot.Received
		var at int64
		if err := rows.Scan(&r.ID, &at, &r.Raw); err != nil {
			return nil, err
		}
		r.At = time.UnixMilli(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Complete implements bot.Store.
func (s *Store) Complete(ctx context.Context, id int64, out []bot.Outgoing, merged ...int64) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store replies: %w", err)
	}
	defer tx.Rollback()
	for _, m := range merged {
		if _, err := tx.ExecContext(ctx, `UPDATE journal SET processed = 1, raw = '' WHERE update_id = ?`, m); err != nil {
			return fmt.Errorf("store replies: %w", err)
		}
	}
	res, err := tx.ExecContext(ctx, `UPDATE journal SET processed = 1, raw = '' WHERE update_id = ? AND processed = 0`, id)
	if err != nil {
		return fmt.Errorf("store replies: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// Never received (the journal could not be written then), or already
		// processed, when its replies were queued: queue them only once.
		res, err := tx.ExecContext(ctx, `INSERT INTO journal (update_id, at, raw, processed) VALUES (?, ?, '', 1) ON CONFLICT DO NOTHING`, id, time.Now().UnixMilli())
		if err != nil {
			return fmt.Errorf("store replies: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
	}
	if err := queue(ctx, tx, out); err != nil {
		return fmt.Errorf("store replies: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store replies: %w", err)
	}
	return nil
}

// Queue implements bot.Store.
func (s *Store) Queue(ctx context.Context, out []bot.Outgoing) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("queue replies: %w", err)
	}
	defer tx.Rollback()
	if err := queue(ctx, tx, out); err != nil {
		return fmt.Errorf("queue replies: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("queue replies: %w", err)
	}
	return nil
}

func queue(ctx context.Context, tx *sql.Tx, out []bot.Outgoing) error {
	for _, o := range out {
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (chat, grp, payload) VALUES (?, ?, ?)`, o.Chat, o.Group, o.Payload); err != nil {
			return err
		}
	}
	return nil
}

// Unsent implements bot.Store.
func (s *Store) Unsent(ctx context.Context, limit int) ([]bot.Outgoing, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, chat, grp, payload FROM outbox ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []bot.Outgoing
	for rows.Next() {
		var o bot.Outgoing
		if err := rows.Scan(&o.ID, &o.Chat, &o.Group, &o.Payload); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Delivered implements bot.Store.
func (s *Store) Delivered(ctx context.Context, id int64) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM outbox WHERE id = ?`, id); err != nil {
		return fmt.Errorf("mark reply sent: %w", err)
	}
	return nil
}

// AddFeedback implements bot.Store.
func (s *Store) AddFeedback(ctx context.Context, f bot.Feedback) error {
	// A voter's second press on the same procedure replaces the first.
	_, err := s.db.ExecContext(ctx, `INSERT INTO feedback (at, procedure, lang, helpful, voter) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (voter, procedure) WHERE voter != '' DO UPDATE SET at = excluded.at, lang = excluded.lang, helpful = excluded.helpful`,
		f.At.UnixMilli(), f.Procedure, f.Lang, f.Helpful, f.Voter)
	if err != nil {
		return fmt.Errorf("save feedback: %w", err)
	}
	return nil
}

// LogQuestion implements bot.Store.
func (s *Store) LogQuestion(ctx context.Context, q bot.LoggedQuestion) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO questions (at, lang, text, outcome, procedure) VALUES (?, ?, ?, ?, ?)`, q.At.UnixMilli(), q.Lang, q.Text, q.Outcome, q.Procedure)
	if err != nil {
		return fmt.Errorf("log question: %w", err)
	}
	return nil
}

// Prune implements bot.Store.
func (s *Store) Prune(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for table, done := range map[string]string{"questions": "", "feedback": "", "journal": " AND processed = 1"} {
		res, err := s.db.ExecContext(ctx, `DELETE FROM `+table+` WHERE at < ?`+done, before.UnixMilli())
		if err != nil {
			return total, fmt.Errorf("prune %s: %w", table, err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}

// FeedbackCount returns how many votes are stored, for tests.
func (s *Store) FeedbackCount(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM feedback`).Scan(&n)
	return n, err
}

// LoggedQuestions implements bot.Store.
func (s *Store) LoggedQuestions(ctx context.Context, since time.Time) ([]bot.LoggedQuestion, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT at, lang, text, outcome, procedure FROM questions WHERE at >= ? ORDER BY at, id`, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("read question log: %w", err)
	}
	defer rows.Close()
	var out []bot.LoggedQuestion
	for rows.Next() {
		var q bot.LoggedQuestion
		var at int64
		if err := rows.Scan(&at, &q.Lang, &q.Text, &q.Outcome, &q.Procedure); err != nil {
			return nil, err
		}
		q.At = time.UnixMilli(at)
		out = append(out, q)
	}
	return out, rows.Err()
}

// Votes implements bot.Store.
func (s *Store) Votes(ctx context.Context, since time.Time) ([]bot.Feedback, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT at, procedure, lang, helpful, voter FROM feedback WHERE at >= ? ORDER BY at, id`, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("read votes: %w", err)
	}
	defer rows.Close()
	var out []bot.Feedback
	for rows.Next() {
		var f bot.Feedback
		var at int64
		if err := rows.Scan(&at, &f.Procedure, &f.Lang, &f.Helpful, &f.Voter); err != nil {
			return nil, fmt.Errorf("read votes: %w", err)
		}
		f.At = time.UnixMilli(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// Close implements bot.Store.
func (s *Store) Close() error { return s.db.Close() }
