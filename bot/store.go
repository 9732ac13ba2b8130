package bot

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"time"

	"loa/knowledge"
)

// Store keeps what Loa remembers between turns and across restarts, by
// concern: sessions, records for editors, and a channel's journal and
// deliveries. The sqlite package implements it; MemoryStore serves tests
// and `loa chat`. bot/storetest holds the table every backend must pass.
type Store interface {
	Sessions
	Records
	VoiceNotes
	AudioFiles
	DeskItems
	Broadcasts
	Journal
	Deliveries
	// Prune deletes logged questions, feedback and processed updates older
	// than before, and reports how many rows went.
	Prune(ctx context.Context, before time.Time) (int64, error)
	Close() error
}

// Sessions keeps each user's session under Address.Key.
type Sessions interface {
	// LoadSession returns a user's saved session, or a zero one.
	LoadSession(ctx context.Context, key string) (Session, error)
	SaveSession(ctx context.Context, key string, s Session) error
}

// Records keeps what editors read: votes on cards and the question log.
type Records interface {
	AddFeedback(ctx context.Context, f Feedback) error
	// LogQuestion keeps a question for editors; its text must already be
	// redacted.
	LogQuestion(ctx context.Context, q LoggedQuestion) error
	// LoggedQuestions returns the questions logged since a time, oldest
	// first; Votes the votes given since then.
	LoggedQuestions(ctx context.Context, since time.Time) ([]LoggedQuestion, error)
	Votes(ctx context.Context, since time.Time) ([]Feedback, error)
}

// VoiceNotes keeps the voice notes Loa could not listen to (a language no
// recogniser covers), for the volunteers to hear.
type VoiceNotes interface {
	KeepVoiceNote(ctx context.Context, v VoiceNote) error
	// WaitingVoiceNotes returns the notes kept, oldest first.
	WaitingVoiceNotes(ctx context.Context) ([]VoiceNote, error)
}

// AudioFiles remembers the audio a channel has already uploaded, so each
// text read aloud is uploaded once: keyed by what was read (procedure,
// language and a digest of the text), valued by the channel's file id.
type AudioFiles interface {
	AudioFile(ctx context.Context, key string) (ref string, ok bool, err error)
	SaveAudioFile(ctx context.Context, key, ref string) error
}

// VoiceNote is a voice note kept for people: where it is, not what it says.
type VoiceNote struct {
	Ref     string // the channel's file id (Telegram's file_id)
	From    Address
	Lang    knowledge.Lang
	Seconds int
	At      time.Time
}

// Journal keeps a channel's updates from arrival until their effects are
// stored. Ids are the channel's own sequence numbers (Telegram's
// update_id).
type Journal interface {
	// Receive records an update as it arrives, before it is acknowledged,
	// and reports whether it is new: an update delivered twice is answered
	// once, and one received before a crash is still answered after it.
	Receive(ctx context.Context, id int64, raw []byte, at time.Time) (bool, error)
	// Unprocessed returns the updates received whose effects were never
	// stored (the process stopped), oldest first.
	Unprocessed(ctx context.Context) ([]Received, error)
	// Complete queues an update's replies and marks the update processed,
	// in one step: after a crash it is either answered or redone, never both.
	// Merged are updates answered together with it (a question sent in
	// pieces), marked processed in the same step.
	Complete(ctx context.Context, id int64, out []Outgoing, merged ...int64) error
}

// Deliveries is the outbox: replies stored, waiting to be sent.
type Deliveries interface {
	// Queue adds replies no update asked for (a volunteer's answer, a
	// reminder) to the outbox.
	Queue(ctx context.Context, out []Outgoing) error
	// Unsent returns queued replies not yet delivered, in queue order.
	Unsent(ctx context.Context, limit int) ([]Outgoing, error)
	// Delivered removes a reply from the queue: sent, or dropped for good.
	Delivered(ctx context.Context, id int64) error
}

// Received is an update as it arrived, in the channel's own encoding.
type Received struct {
	ID  int64
	Raw []byte
	At  time.Time
}

// Outgoing is a reply waiting in the outbox.
type Outgoing struct {
	ID      int64 // given by the store, in queue order
	Chat    int64
	Group   bool
	Payload []byte // the channel's own encoding of the message
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

// VoterKey turns a user into the key their votes are counted under, so
// the feedback table holds no user ids.
func VoterKey(from Address) string {
	sum := sha256.Sum256([]byte(from.Key()))
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
	sessions  map[string]Session
	received  map[int64]received
	outbox    []Outgoing
	lastOut   int64
	Feedback  []Feedback
	Questions []LoggedQuestion
	voice     []VoiceNote
	audio     map[string]string
	desk      []DeskItem
	subs      map[string]subscriber
	casts     []BroadcastReport
	sends     map[int64][]memorySend // by broadcast
}

type received struct {
	Received
	done bool
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{sessions: map[string]Session{}, received: map[int64]received{}, subs: map[string]subscriber{}, sends: map[int64][]memorySend{}}
}

// LoadSession implements Store.
func (m *MemoryStore) LoadSession(_ context.Context, key string) (Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.sessions[key]
	s.Choices = append([]string(nil), s.Choices...)
	return s, nil
}

// SaveSession implements Store.
func (m *MemoryStore) SaveSession(_ context.Context, key string, s Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s.Choices = append([]string(nil), s.Choices...)
	m.sessions[key] = s
	return nil
}

// Receive implements Store.
func (m *MemoryStore) Receive(_ context.Context, id int64, raw []byte, at time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, seen := m.received[id]; seen {
		return false, nil
	}
	m.received[id] = received{Received: Received{ID: id, Raw: append([]byte(nil), raw...), At: at}}
	return true, nil
}

// Unprocessed implements Store.
func (m *MemoryStore) Unprocessed(context.Context) ([]Received, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Received
	for _, r := range m.received {
		if !r.done {
			out = append(out, r.Received)
		}
	}
	slices.SortFunc(out, func(a, b Received) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// Complete implements Store.
func (m *MemoryStore) Complete(_ context.Context, id int64, out []Outgoing, merged ...int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range merged {
		if r, ok := m.received[id]; ok {
			r.done = true
			m.received[id] = r
		}
	}
	r := m.received[id]
	if r.done {
		return nil
	}
	r.done = true
	m.received[id] = r
	m.queueLocked(out)
	return nil
}

// Queue implements Store.
func (m *MemoryStore) Queue(_ context.Context, out []Outgoing) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.queueLocked(out)
	return nil
}

func (m *MemoryStore) queueLocked(out []Outgoing) {
	for _, o := range out {
		m.lastOut++
		o.ID = m.lastOut
		m.outbox = append(m.outbox, o)
	}
}

// Unsent implements Store.
func (m *MemoryStore) Unsent(_ context.Context, limit int) ([]Outgoing, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.outbox[:min(limit, len(m.outbox))]), nil
}

// Delivered implements Store.
func (m *MemoryStore) Delivered(_ context.Context, id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.outbox = slices.DeleteFunc(m.outbox, func(o Outgoing) bool { return o.ID == id })
	return nil
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

// LoggedQuestions implements Store.
func (m *MemoryStore) LoggedQuestions(_ context.Context, since time.Time) ([]LoggedQuestion, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []LoggedQuestion
	for _, q := range m.Questions {
		if !q.At.Before(since) {
			out = append(out, q)
		}
	}
	slices.SortStableFunc(out, func(a, b LoggedQuestion) int { return a.At.Compare(b.At) })
	return out, nil
}

// Votes implements Store.
func (m *MemoryStore) Votes(_ context.Context, since time.Time) ([]Feedback, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Feedback
	for _, f := range m.Feedback {
		if !f.At.Before(since) {
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b Feedback) int { return a.At.Compare(b.At) })
	return out, nil
}

// Prune implements Store.
func (m *MemoryStore) Prune(_ context.Context, before time.Time) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var n int64
	for id, r := range m.received {
		if r.done && r.At.Before(before) {
			delete(m.received, id)
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

// FeedbackCount returns how many votes are stored, for tests.
func (m *MemoryStore) FeedbackCount(context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.Feedback), nil
}

// Close implements Store.
func (m *MemoryStore) Close() error { return nil }

// KeepVoiceNote implements Store.
func (m *MemoryStore) KeepVoiceNote(_ context.Context, v VoiceNote) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.voice = append(m.voice, v)
	return nil
}

// WaitingVoiceNotes implements Store.
func (m *MemoryStore) WaitingVoiceNotes(context.Context) ([]VoiceNote, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]VoiceNote(nil), m.voice...), nil
}

// AudioFile implements Store.
func (m *MemoryStore) AudioFile(_ context.Context, key string) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ref, ok := m.audio[key]
	return ref, ok, nil
}

// SaveAudioFile implements Store.
func (m *MemoryStore) SaveAudioFile(_ context.Context, key, ref string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.audio == nil {
		m.audio = map[string]string{}
	}
	m.audio[key] = ref
	return nil
}

// AddDeskItem implements Store.
func (m *MemoryStore) AddDeskItem(_ context.Context, it DeskItem) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it.ID = int64(len(m.desk) + 1)
	m.desk = append(m.desk, it)
	return it.ID, nil
}

// DeskItem implements Store.
func (m *MemoryStore) DeskItem(_ context.Context, id int64) (DeskItem, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id < 1 || id > int64(len(m.desk)) {
		return DeskItem{}, false, nil
	}
	return m.desk[id-1], true, nil
}

// SaveDeskItem implements Store.
func (m *MemoryStore) SaveDeskItem(_ context.Context, it DeskItem) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if it.ID < 1 || it.ID > int64(len(m.desk)) {
		return fmt.Errorf("no desk item %d", it.ID)
	}
	m.desk[it.ID-1] = it
	return nil
}

// DeskItems implements Store.
func (m *MemoryStore) DeskItems(_ context.Context, states ...DeskState) ([]DeskItem, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []DeskItem
	for _, it := range m.desk {
		if len(states) == 0 || slices.Contains(states, it.State) {
			out = append(out, it)
		}
	}
	return out, nil
}

type subscriber struct {
	to   Address
	lang knowledge.Lang
}

type memorySend struct {
	to    Address
	state SendState
}

// Subscribe implements Store.
func (m *MemoryStore) Subscribe(_ context.Context, to Address, lang knowledge.Lang) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.subs[to.Key()] = subscriber{to: to, lang: lang}
	return nil
}

// Unsubscribe implements Store.
func (m *MemoryStore) Unsubscribe(_ context.Context, to Address) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.subs, to.Key())
	return nil
}

// AddBroadcast implements Store.
func (m *MemoryStore) AddBroadcast(_ context.Context, b Broadcast) (int64, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b.ID = int64(len(m.casts) + 1)
	var sends []memorySend
	for _, s := range m.subs {
		if s.lang == b.Lang {
			sends = append(sends, memorySend{to: s.to, state: SendPending})
		}
	}
	slices.SortFunc(sends, func(a, b memorySend) int { return cmp.Compare(a.to.Key(), b.to.Key()) })
	m.sends[b.ID] = sends
	m.casts = append(m.casts, BroadcastReport{Broadcast: b})
	return b.ID, len(sends), nil
}

// PendingSends implements Store.
func (m *MemoryStore) PendingSends(_ context.Context, limit int) ([]BroadcastSend, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []BroadcastSend
	for _, c := range m.casts {
		for _, s := range m.sends[c.ID] {
			if s.state == SendPending && len(out) < limit {
				out = append(out, BroadcastSend{Broadcast: c.ID, To: s.to})
			}
		}
	}
	return out, nil
}

// MarkSend implements Store.
func (m *MemoryStore) MarkSend(_ context.Context, broadcast int64, to Address, state SendState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, s := range m.sends[broadcast] {
		if s.to.Key() == to.Key() {
			m.sends[broadcast][i].state = state
		}
	}
	if state == SendBlocked {
		delete(m.subs, to.Key())
	}
	return nil
}

// BroadcastReports implements Store.
func (m *MemoryStore) BroadcastReports(_ context.Context, id int64) ([]BroadcastReport, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []BroadcastReport
	for i := len(m.casts) - 1; i >= 0; i-- {
		r := m.casts[i]
		if id > 0 && r.ID != id {
			continue
		}
		for _, s := range m.sends[r.ID] {
			switch s.state {
			case SendPending:
				r.Pending++
			case SendSent:
				r.Sent++
			case SendBlocked:
				r.Blocked++
			case SendFailed:
				r.Failed++
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// MarkReported implements Store.
func (m *MemoryStore) MarkReported(_ context.Context, id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.casts {
		if m.casts[i].ID == id {
			m.casts[i].Reported = true
		}
	}
	return nil
}
