package sqlite

import (
	"context"
	"fmt"
	"time"

	"loa/knowledge"
	"loa/review"
)

var _ review.Store = (*Store)(nil)

// AddDecision implements review.Store.
func (s *Store) AddDecision(ctx context.Context, d review.Decision) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO reviews (at, reviewer, reviewer_name, procedure, lang, field, action, text, source_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.At.UnixMilli(), d.Reviewer, d.ReviewerName, d.Procedure, string(d.Lang), d.Field, string(d.Action), d.Text, d.SourceDigest)
	if err != nil {
		return fmt.Errorf("save review: %w", err)
	}
	return nil
}

// Decisions implements review.Store.
func (s *Store) Decisions(ctx context.Context) ([]review.Decision, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT at, reviewer, reviewer_name, procedure, lang, field, action, text, source_digest FROM reviews ORDER BY at, id`)
	if err != nil {
		return nil, fmt.Errorf("read reviews: %w", err)
	}
	defer rows.Close()
	var out []review.Decision
	for rows.Next() {
		var d review.Decision
		var at int64
		var lang, action string
		if err := rows.Scan(&at, &d.Reviewer, &d.ReviewerName, &d.Procedure, &lang, &d.Field, &action, &d.Text, &d.SourceDigest); err != nil {
			return nil, err
		}
		d.At, d.Lang, d.Action = time.UnixMilli(at), knowledge.Lang(lang), review.Action(action)
		out = append(out, d)
	}
	return out, rows.Err()
}
