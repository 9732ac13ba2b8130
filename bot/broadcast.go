package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"loa/knowledge"
)

// Broadcasts: an editor announces a new policy to the users who opted in
// (/subscribe), per language. A broadcast and each of its recipients are
// stored before anything is sent, so a restart resumes it where it stopped;
// a channel sends the pending ones within its limits and marks each.

// Commands of broadcasts.
const (
	CommandSubscribe   = "subscribe"   // get announcements in one's language
	CommandUnsubscribe = "unsubscribe" // stop them
	CommandBroadcast   = "broadcast"   // editors: /broadcast <lang> <text>
)

// Broadcast is an announcement to the subscribers of one language.
type Broadcast struct {
	ID      int64
	Lang    knowledge.Lang
	Text    string  // plain text, as sent
	By      Address // the editor who sent /broadcast, told the result; zero from the command line
	Created time.Time
}

// SendState is what became of one recipient of a broadcast.
type SendState string

// Send states.
const (
	SendPending SendState = "pending"
	SendSent    SendState = "sent"
	SendBlocked SendState = "blocked" // the user blocked the bot (or left): unsubscribed
	SendFailed  SendState = "failed"  // the channel refused it for good
)

// BroadcastSend is one recipient of a broadcast still to send.
type BroadcastSend struct {
	Broadcast int64
	To        Address
}

// BroadcastReport is a broadcast and how far it got.
type BroadcastReport struct {
	Broadcast
	Pending, Sent, Blocked, Failed int
	Reported                       bool // its editor was told the result
}

// Done reports whether nothing is left to send.
func (r BroadcastReport) Done() bool { return r.Pending == 0 }

func (r BroadcastReport) String() string {
	return fmt.Sprintf("broadcast #%d (%s, %s): %d sent, %d blocked, %d failed, %d waiting",
		r.ID, r.Lang, r.Created.Format("2006-01-02 15:04"), r.Sent, r.Blocked, r.Failed, r.Pending)
}

// Broadcasts keeps subscriptions and broadcasts.
type Broadcasts interface {
	Subscribe(ctx context.Context, to Address, lang knowledge.Lang) error
	Unsubscribe(ctx context.Context, to Address) error
	// AddBroadcast stores b with its recipients, the subscribers of b.Lang
	// now, and returns its id and how many they are.
	AddBroadcast(ctx context.Context, b Broadcast) (id int64, recipients int, err error)
	// PendingSends returns up to limit recipients still to send, the
	// oldest broadcast first.
	PendingSends(ctx context.Context, limit int) ([]BroadcastSend, error)
	MarkSend(ctx context.Context, broadcast int64, to Address, state SendState) error
	// BroadcastReports returns one broadcast's report (id > 0), or every
	// broadcast's, newest first.
	BroadcastReports(ctx context.Context, id int64) ([]BroadcastReport, error)
	// MarkReported records that a broadcast's editor was told its result.
	MarkReported(ctx context.Context, id int64) error
}

// maxBroadcastRunes keeps an announcement to one Telegram message.
const maxBroadcastRunes = 3500

// ErrBroadcastText is a broadcast with no text, or too long for one message.
var ErrBroadcastText = errors.New("a broadcast needs a text of 1 to 3,500 characters")

// NewBroadcast stores an announcement in lang, written in Markdown, for its
// subscribers; a channel sends it. It returns the broadcast and how many
// will get it.
func NewBroadcast(ctx context.Context, st Broadcasts, lang knowledge.Lang, markdown string, by Address, now time.Time) (Broadcast, int, error) {
	text := knowledge.PlainText(markdown)
	if n := len([]rune(text)); n == 0 || n > maxBroadcastRunes {
		return Broadcast{}, 0, ErrBroadcastText
	}
	b := Broadcast{Lang: lang, Text: text, By: by, Created: now}
	id, n, err := st.AddBroadcast(ctx, b)
	if err != nil {
		return Broadcast{}, 0, fmt.Errorf("store the broadcast: %w", err)
	}
	b.ID = id
	return b, n, nil
}

// broadcastCommand answers /subscribe, /unsubscribe and /broadcast.
func (cs *Conversations) broadcastCommand(ctx context.Context, s *Session, ev Event) ([]Reply, error) {
	st := cs.store
	lang := sessionLang(*s)
	switch ev.Command {
	case CommandSubscribe:
		if ev.From.Group {
			return []Reply{message("subscribe.private")}, nil
		}
		if err := st.Subscribe(ctx, ev.From, lang); err != nil {
			return nil, fmt.Errorf("subscribe: %w", err)
		}
		return []Reply{{Kind: KindText, Message: "subscribe.done", Data: map[string]any{"Lang": lang.Name()}}}, nil
	case CommandUnsubscribe:
		if err := st.Unsubscribe(ctx, ev.From); err != nil {
			return nil, fmt.Errorf("unsubscribe: %w", err)
		}
		return []Reply{message("unsubscribe.done")}, nil
	}
	if !cs.editors[ev.From.Key()] {
		return []Reply{message("editor.not_editor")}, nil
	}
	code, text, _ := strings.Cut(strings.TrimSpace(ev.Arg), " ")
	to, err := knowledge.ParseLang(code)
	if err != nil || strings.TrimSpace(text) == "" {
		return []Reply{staffReply("broadcast.usage", nil)}, nil
	}
	b, n, err := NewBroadcast(ctx, st, to, text, ev.From, cs.now())
	if errors.Is(err, ErrBroadcastText) {
		return []Reply{staffReply("broadcast.usage", nil)}, nil
	}
	if err != nil {
		return nil, err
	}
	return []Reply{staffReply("broadcast.queued", map[string]any{"ID": b.ID, "Count": n, "Lang": to.Name()})}, nil
}
