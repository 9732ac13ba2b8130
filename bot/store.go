package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"sync"
	"time"
)

// Store keeps what Loa remembers between turns and across restarts. The
// sqlite package implements it; MemoryStore serves tests and `loa chat`.
type Store interface {
	// LoadSession returns a user's saved session, or a zero one.
	LoadSession(ctx context.Context, userID int64) (Session, error)
	SaveSession(ctx context.Context, userID int64, s Session) error
	// FirstDelivery records an update id and reports whether it is new, so
	// an update Telegram delivers twice is answered once.
	FirstDelivery(ctx context.Context, updateID int64, at time.Time) (bool, error)
	AddFeedback(ctx context.Context, f Feedback) error
	// LogQuestion keeps a question for editors; its text must already be
	// redacted.
	LogQuestion(ctx context.Context, q LoggedQuestion) error
	// Prune deletes logged questions, feedback and delivery records older
	// than before, and reports how many rows went.
	Prune(ctx context.Context, before time.Time) (int64, error)
	Close() error
}

// Feedback is a 👍 or 👎 on a card. One voter has one vote per procedure:
// a second press replaces the first.
type Feedback struct {
	At        time.Time
	Procedure string
	Lang      string
	Helpful   bool
	Voter     string // an opaque key of who voted (VoterKey), never the user id
}

// VoterKey turns a user id into the key their votes are counted under, so
// the feedback table holds no user ids.
func VoterKey(channel string, user int64) string {
	sum := sha256.Sum256([]byte(channel + ":" + strconv.FormatInt(user, 10)))
	return hex.EncodeToString(sum[:8])
}

// LoggedQuestion is a question as editors see it: redacted, with what Loa
// did with it.
type LoggedQuestion struct {
	At        time.Time
	Lang      string
	Text      string // redacted
	Outcome   string // direct, choices, none, or an intent
	Procedure string // the card shown, if any
}

// MemoryStore is a Store in memory.
type MemoryStore struct {
	mu        sync.Mutex
	sessions  map[int64]Session
	delivered map[int64]time.Time
	Feedback  []Feedback
	Questions []LoggedQuestion
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{sessions: map[int64]Session{}, delivered: map[int64]time.Time{}}
}

// LoadSession implements Store.
func (m *MemoryStore) LoadSession(_ context.Context, userID int64) (Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.sessions[userID]
	s.Choices = append([]string(nil), s.Choices...)
	return s, nil
}

// SaveSession implements Store.
func (m *MemoryStore) SaveSession(_ context.Context, userID int64, s Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s.Choices = append([]string(nil), s.Choices...)
	m.sessions[userID] = s
	return nil
}

// FirstDelivery implements Store.
func (m *MemoryStore) FirstDelivery(_ context.Context, updateID int64, at time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, seen := m.delivered[updateID]; seen {
		return false, nil
	}
	m.delivered[updateID] = at
	return true, nil
}

// AddFeedback implements Store.
func (m *MemoryStore) AddFeedback(_ context.Context, f Feedback) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, old := range m.Feedback {
		if f.Voter != "" && old.Voter == f.Voter && old.Procedure == f.Procedure {
			m.Feedback[i] = f
			return nil
		}
	}
	m.Feedback = append(m.Feedback, f)
	return nil
}

// LogQuestion implements Store.
func (m *MemoryStore) LogQuestion(_ context.Context, q LoggedQuestion) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Questions = append(m.Questions, q)
	return nil
}

// Prune implements Store.
func (m *MemoryStore) Prune(_ context.Context, before time.Time) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var n int64
	for id, at := range m.delivered {
		if at.Before(before) {
			delete(m.delivered, id)
			n++
		}
	}
	var dropped int
	m.Questions, dropped = keepSince(m.Questions, before, func(q LoggedQuestion) time.Time { return q.At })
	n += int64(dropped)
	m.Feedback, dropped = keepSince(m.Feedback, before, func(f Feedback) time.Time { return f.At })
	n += int64(dropped)
	return n, nil
}

// keepSince keeps the items at or after before, in place, and says how
// many went.
func keepSince[T any](items []T, before time.Time, at func(T) time.Time) ([]T, int) {
	kept := items[:0]
	for _, it := range items {
		if !at(it).Before(before) {
			kept = append(kept, it)
		}
	}
	return kept, len(items) - len(kept)
}

// Close implements Store.
func (m *MemoryStore) Close() error { return nil }
