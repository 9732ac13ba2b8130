package sqlite

import (
	"context"
	"fmt"
	"time"

	"loa/bot"
	"loa/knowledge"
)

// Subscribe implements bot.Store.
func (s *Store) Subscribe(ctx context.Context, to bot.Address, lang knowledge.Lang) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO subscribers (user_key, channel, user_id, chat, lang, since) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_key) DO UPDATE SET chat = excluded.chat, lang = excluded.lang`,
		to.Key(), to.Channel, to.User, to.Chat, string(lang), time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	return nil
}

// Unsubscribe implements bot.Store.
func (s *Store) Unsubscribe(ctx context.Context, to bot.Address) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM subscribers WHERE user_key = ?`, to.Key()); err != nil {
		return fmt.Errorf("unsubscribe: %w", err)
	}
	return nil
}

// AddBroadcast implements bot.Store: the broadcast and its recipients in
// one transaction, so a broadcast is never stored half addressed.
func (s *Store) AddBroadcast(ctx context.Context, b bot.Broadcast) (int64, int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("add broadcast: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO broadcasts (lang, text, by_channel, by_user, by_chat, created) VALUES (?, ?, ?, ?, ?, ?)`,
		string(b.Lang), b.Text, b.By.Channel, b.By.User, b.By.Chat, b.Created.UnixMilli())
	if err != nil {
		return 0, 0, fmt.Errorf("add broadcast: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, 0, fmt.Errorf("add broadcast: %w", err)
	}
	res, err = tx.ExecContext(ctx, `INSERT INTO broadcast_sends (broadcast, user_key, channel, user_id, chat, state)
		SELECT ?, user_key, channel, user_id, chat, 'pending' FROM subscribers WHERE lang = ?`, id, string(b.Lang))
	if err != nil {
		return 0, 0, fmt.Errorf("add broadcast: %w", err)
	}
	n, _ := res.RowsAffected()
	if err := tx.Commit(); err != nil {
		return 0, 0, fmt.Errorf("add broadcast: %w", err)
	}
	return id, int(n), nil
}

// PendingSends implements bot.Store.
func (s *Store) PendingSends(ctx context.Context, limit int) ([]bot.BroadcastSend, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT broadcast, channel, user_id, chat FROM broadcast_sends WHERE state = 'pending' ORDER BY broadcast, user_key LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read broadcasts: %w", err)
	}
	defer rows.Close()
	var out []bot.BroadcastSend
	for rows.Next() {
		var b bot.BroadcastSend
		if err := rows.Scan(&b.Broadcast, &b.To.Channel, &b.To.User, &b.To.Chat); err != nil {
			return nil, fmt.Errorf("read broadcasts: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// MarkSend implements bot.Store; a user who blocked the bot is
// unsubscribed in the same step.
func (s *Store) MarkSend(ctx context.Context, broadcast int64, to bot.Address, state bot.SendState) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("mark broadcast: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE broadcast_sends SET state = ? WHERE broadcast = ? AND user_key = ?`, string(state), broadcast, to.Key()); err != nil {
		return fmt.Errorf("mark broadcast: %w", err)
	}
	if state == bot.SendBlocked {
		if _, err := tx.ExecContext(ctx, `DELETE FROM subscribers WHERE user_key = ?`, to.Key()); err != nil {
			return fmt.Errorf("mark broadcast: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("mark broadcast: %w", err)
	}
	return nil
}

// BroadcastReports implements bot.Store.
func (s *Store) BroadcastReports(ctx context.Context, id int64) ([]bot.BroadcastReport, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT b.id, b.lang, b.text, b.by_channel, b.by_user, b.by_chat, b.created, b.reported,
			count(CASE WHEN d.state = 'pending' THEN 1 END), count(CASE WHEN d.state = 'sent' THEN 1 END),
			count(CASE WHEN d.state = 'blocked' THEN 1 END), count(CASE WHEN d.state = 'failed' THEN 1 END)
		FROM broadcasts b LEFT JOIN broadcast_sends d ON d.broadcast = b.id
		WHERE ? = 0 OR b.id = ? GROUP BY b.id ORDER BY b.id DESC`, id, id)
	if err != nil {
		return nil, fmt.Errorf("read broadcasts: %w", err)
	}
	defer rows.Close()
	var out []bot.BroadcastReport
	for rows.Next() {
		var r bot.BroadcastReport
		var lang string
		var created int64
		if err := rows.Scan(&r.ID, &lang, &r.Text, &r.By.Channel, &r.By.User, &r.By.Chat, &created, &r.Reported, &r.Pending, &r.Sent, &r.Blocked, &r.Failed); err != nil {
			return nil, fmt.Errorf("read broadcasts: %w", err)
		}
		r.Lang, r.Created = knowledge.Lang(lang), time.UnixMilli(created)
		out = append(out, r)
	}
	return out, rows.Err()
}

// MarkReported implements bot.Store.
func (s *Store) MarkReported(ctx context.Context, id int64) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE broadcasts SET reported = 1 WHERE id = ?`, id); err != nil {
		return fmt.Errorf("mark broadcast: %w", err)
	}
	return nil
}
