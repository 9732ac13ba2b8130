package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"loa/knowledge"
	"loa/privacy"
	"loa/review"
)

// ConversationStore is what a conversation keeps: sessions, votes and the
// question log.
type ConversationStore interface {
	Sessions
	Records
	VoiceNotes
	DeskItems
	Broadcasts
}

// ConversationConfig configures Conversations.
type ConversationConfig struct {
	// FloodLimit is how many messages one user may send a minute; more get
	// a polite note once, then nothing that minute. 0 means 20.
	FloodLimit int
	// StateError hears of a store that failed; the turn goes on without it
	// (an answer matters more than a remembered language). nil: logged.
	StateError func(op string, err error)
	Logger     *slog.Logger
	Now        func() time.Time // nil: time.Now
	// Locker runs one user's events one at a time. nil: a LocalLocker,
	// enough for one process.
	Locker Locker
	// Reviewers may use /review; their decisions go to Reviews. Without
	// Reviews, /review says the user is not a reviewer.
	Reviewers review.Reviewers
	Reviews   review.Store
	// Transcriber listens to voice notes; nil: Loa says it cannot listen
	// yet and offers the menu.
	Transcriber Transcriber
	// Speaker reads cards aloud; nil: no Listen button.
	Speaker Speaker
	// Desk is where questions for people go (LOA_DESK_CHATS); empty: no
	// "ask a person". Volunteers may take and answer its items; empty:
	// anyone in the group.
	Desk       Desk
	Volunteers Volunteers
	// Editors (by Address.Key) may use /reload, /gaps and /stats. Reload
	// reloads the content folder; nil: /reload says there is none.
	Editors map[string]bool
	Reload  Reloader
}

// Conversations runs every channel's conversations the same way: it loads
// the user's session, keeps one user from flooding, answers commands,
// messages and buttons through the Core, logs questions for editors, and
// saves the session. Channels turn their updates into Events and render the
// Response, and attach a Sender so the core can reach their users
// unprompted. Safe for concurrent use: one user's events take turns.
type Conversations struct {
	core       *Core
	store      ConversationStore
	flood      *floodGuard
	stateError func(op string, err error)
	now        func() time.Time
	locks      Locker
	reviews    *reviewDesk // nil: no review
	listener   Transcriber // nil: no listening
	speaker    Speaker     // nil: no reading aloud
	desk       Desk
	volunteers Volunteers
	editors    map[string]bool
	reload     Reloader
	log        *slog.Logger

	mu      sync.Mutex
	senders map[string]Sender // by channel
}

// NewConversations returns Conversations over core and store.
func NewConversations(core *Core, store ConversationStore, cfg ConversationConfig) *Conversations {
	if cfg.FloodLimit <= 0 {
		cfg.FloodLimit = 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.StateError == nil {
		log := cfg.Logger
		cfg.StateError = func(op string, err error) { log.Error("state store failed", "op", op, "err", err) }
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Locker == nil {
		cfg.Locker = &LocalLocker{}
	}
	cs := &Conversations{core: core, store: store, flood: newFloodGuard(cfg.FloodLimit), stateError: cfg.StateError, now: cfg.Now, locks: cfg.Locker, senders: map[string]Sender{}, listener: cfg.Transcriber, speaker: cfg.Speaker, desk: cfg.Desk, volunteers: cfg.Volunteers, editors: cfg.Editors, reload: cfg.Reload, log: cfg.Logger}
	if cfg.Reviews != nil {
		cs.reviews = &reviewDesk{reviewers: cfg.Reviewers, store: cfg.Reviews, kb: core.kb, now: cfg.Now, current: map[string]review.Item{}}
	}
	return cs
}

// Attach makes s the way to reach users of channel unprompted.
func (cs *Conversations) Attach(channel string, s Sender) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.senders[channel] = s
}

// Send delivers replies to an address nobody's message is waiting on (a
// volunteer's answer, a reminder), through its channel.
func (cs *Conversations) Send(ctx context.Context, to Address, replies []Reply) error {
	cs.mu.Lock()
	s, ok := cs.senders[to.Channel]
	cs.mu.Unlock()
	if !ok {
		return fmt.Errorf("send to %s: no such channel is running", to.Channel)
	}
	if err := s.Send(ctx, to, replies); err != nil {
		return fmt.Errorf("send to %s: %w", to.Channel, err)
	}
	return nil
}

// Core returns the core the conversations answer with.
func (cs *Conversations) Core() *Core { return cs.core }

// Lang returns the language a user chose, Vietnamese until they choose.
func (cs *Conversations) Lang(ctx context.Context, from Address) knowledge.Lang {
	s, err := cs.store.LoadSession(ctx, from.Key())
	if err != nil {
		cs.stateError("session", err)
	}
	return sessionLang(s)
}

func sessionLang(s Session) knowledge.Lang {
	if s.Lang == "" {
		return knowledge.Vietnamese // a channel's language hint is not trusted for these languages
	}
	return s.Lang
}

// Handle answers one event. An error means the core failed; the channel
// should apologise in Response.Lang (see error.internal).
func (cs *Conversations) Handle(ctx context.Context, ev Event) (Response, error) {
	key := ev.From.Key()
	unlock, err := cs.locks.Lock(ctx, key)
	if err != nil {
		return Response{Lang: knowledge.Vietnamese}, fmt.Errorf("wait for the user's previous message: %w", err)
	}
	defer unlock()
	if ev.Kind == EventCommand && (ev.Command == CommandNewPerson || ev.Command == CommandDone) {
		return cs.sharedPhone(ctx, key, ev)
	}
	phone, err := cs.store.LoadSession(ctx, key)
	if err != nil {
		cs.stateError("session", err)
	}
	s := phone
	if phone.Person != "" {
		// A villager on a volunteer's phone: their own context and history.
		key = personKey(key, phone.Person)
		if s, err = cs.store.LoadSession(ctx, key); err != nil {
			cs.stateError("session", err)
		}
	}
	var resp Response
	switch ev.Kind {
	case EventMessage, EventCommand:
		verdict := cs.flood.check(key, cs.now())
		if verdict != floodOK && ev.Kind == EventMessage && cs.core.Alarming(ev.Input.Text) {
			verdict = floodOK // an emergency is answered, however many messages came before it
		}
		switch verdict {
		case floodWarn:
			return Response{Lang: sessionLang(s), Flooded: true, Replies: []Reply{{Kind: KindText, Message: "flood", Lang: sessionLang(s)}}}, nil
		case floodDrop:
			return Response{Lang: sessionLang(s), Flooded: true}, nil
		}
		if ev.Kind == EventCommand {
			if resp, err = cs.command(ctx, &s, ev); err != nil {
				return Response{Lang: sessionLang(s)}, err
			}
			break
		}
		if replies, also, ok, err := cs.deskMessage(ctx, ev); err != nil {
			return Response{Lang: sessionLang(s)}, err
		} else if ok {
			resp = Response{Replies: replies, Also: also}
			break
		}
		if _, ref, ok := reviewRef(ev.Quoted); ok && ev.Input.Kind == InputText && strings.TrimSpace(ev.Input.Text) != "" && len(cs.reviews.langsOf(ev.From)) > 0 {
			replies, err := cs.reviews.decide(ctx, ev.From, ev.Name, review.Correct, ref, ev.Input.Text)
			if err != nil {
				return Response{Lang: sessionLang(s)}, err
			}
			resp = Response{Replies: replies}
			break
		}
		if ev.Input.Kind == InputVoice {
			if resp, err = cs.listen(ctx, &s, ev); err != nil {
				return Response{Lang: sessionLang(s)}, err
			}
			break
		}
		replies, err := cs.core.Turn(ctx, &s, ev.Input)
		if err != nil {
			return Response{Lang: sessionLang(s)}, err
		}
		resp = Response{Replies: replies, Outcome: Outcome(replies)}
		if ev.Input.Kind == InputText && strings.TrimSpace(ev.Input.Text) != "" {
			s.Asked = redactedQuestion(ev.Input.Text)
		}
		if err := cs.logQuestion(ctx, s, ev.Input, replies); err != nil {
			cs.stateError("question log", err) // the answer matters more than the log
		}
	case EventButton:
		if replies, also, err := cs.deskButton(ctx, ev); err != nil {
			return Response{Lang: sessionLang(s)}, err
		} else if replies != nil {
			resp = Response{Replies: replies, Also: also}
			break
		}
		if ev.Button == ButtonConsent() {
			replies, also, err := cs.escalate(ctx, &s, ev)
			if err != nil {
				return Response{Lang: sessionLang(s)}, err
			}
			resp = Response{Replies: replies, Also: also, Outcome: "escalated"}
			break
		}
		if action, ref, ok := reviewRef(ev.Button); ok {
			replies, err := cs.reviewButton(ctx, ev, action, ref)
			if err != nil {
				return Response{Lang: sessionLang(s)}, err
			}
			resp = Response{Replies: replies}
			break
		}
		resp = cs.button(ctx, &s, ev)
	}
	resp.Lang = sessionLang(s)
	cs.offerListening(resp.Replies, resp.Lang)
	cs.offerPerson(resp.Replies)
	for i := range resp.Replies {
		if resp.Replies[i].Lang == "" {
			resp.Replies[i].Lang = resp.Lang
		}
	}
	if len(resp.Replies) > 0 {
		if err := cs.store.SaveSession(ctx, key, s); err != nil {
			cs.stateError("session", err)
		}
	}
	return resp, nil
}

func personKey(key, person string) string { return key + "/person/" + person }

// sharedPhone answers /newperson [lang] and /done: on a volunteer's phone,
// each villager helped gets a fresh session, forgotten at /done, so their
// questions, context and desk items never mix.
func (cs *Conversations) sharedPhone(ctx context.Context, key string, ev Event) (Response, error) {
	phone, err := cs.store.LoadSession(ctx, key)
	if err != nil {
		cs.stateError("session", err)
	}
	if phone.Person != "" {
		// Forget the villager before: nothing of theirs stays on the phone.
		if err := cs.store.SaveSession(ctx, personKey(key, phone.Person), Session{}); err != nil {
			cs.stateError("session", err)
		}
	}
	lang := sessionLang(phone)
	if ev.Command == CommandDone {
		was := phone.Person != ""
		phone.Person = ""
		if err := cs.store.SaveSession(ctx, key, phone); err != nil {
			cs.stateError("session", err)
		}
		if !was {
			return Response{Lang: lang, Replies: []Reply{{Kind: KindText, Lang: lang, Message: "person.none"}}}, nil
		}
		return Response{Lang: lang, Replies: []Reply{{Kind: KindText, Lang: lang, Message: "person.done"}}}, nil
	}
	// "/newperson hmn Bát Xát": a language, then a commune, both optional.
	person := Session{Lang: lang}
	arg := strings.TrimSpace(ev.Arg)
	first, rest, _ := strings.Cut(arg, " ")
	if l, err := knowledge.ParseLang(first); err == nil {
		person.Lang, arg = l, strings.TrimSpace(rest)
	}
	person.Commune = privacy.Redact(firstRunes(arg, 60))
	phone.Person = strconv.FormatInt(cs.now().UnixNano(), 36)
	if err := cs.store.SaveSession(ctx, personKey(key, phone.Person), person); err != nil {
		cs.stateError("session", err)
	}
	if err := cs.store.SaveSession(ctx, key, phone); err != nil {
		cs.stateError("session", err)
	}
	return Response{Lang: person.Lang, Replies: []Reply{{Kind: KindText, Lang: person.Lang, Message: "person.new", Data: map[string]any{"Lang": person.Lang.Name()}}}}, nil
}

func (cs *Conversations) reviewButton(ctx context.Context, ev Event, action review.Action, ref string) ([]Reply, error) {
	if cs.reviews == nil {
		return nil, nil // a review button where no review runs: nothing to show
	}
	return cs.reviews.decide(ctx, ev.From, ev.Name, action, ref, "")
}

func (cs *Conversations) command(ctx context.Context, s *Session, ev Event) (Response, error) {
	lang := sessionLang(*s)
	switch ev.Command {
	case CommandHuman:
		return Response{Replies: cs.askConsent(s)}, nil
	case CommandDesk:
		if !ev.From.Group {
			return Response{Replies: []Reply{message("desk.none")}}, nil
		}
		if !cs.desk.Has(ev.From.Chat) {
			// Setting a desk up starts here: the group learns its chat id.
			return Response{Replies: []Reply{{Kind: KindText, Lang: knowledge.Vietnamese, Message: "desk.setup", Data: map[string]any{"Chat": ev.From.Chat}}}}, nil
		}
		replies, err := cs.deskList(ctx)
		return Response{Replies: replies}, err
	case CommandReload, CommandGaps, CommandStats:
		replies, err := cs.editorCommand(ctx, ev)
		return Response{Replies: replies}, err
	case CommandSubscribe, CommandUnsubscribe, CommandBroadcast:
		replies, err := cs.broadcastCommand(ctx, s, ev)
		return Response{Replies: replies}, err
	case CommandReview:
		if cs.reviews == nil {
			return Response{Replies: []Reply{message("review.not_reviewer")}}, nil
		}
		replies, err := cs.reviews.start(ctx, ev.From, ev.Arg)
		return Response{Replies: replies}, err
	case CommandStart:
		return Response{Replies: []Reply{{Kind: KindLangPicker, Message: "greeting", Lang: lang}}}, nil
	case CommandLang:
		return Response{Replies: []Reply{{Kind: KindLangPicker, Lang: lang}}}, nil
	case CommandMenu:
		return Response{Replies: cs.core.Menu(s)}, nil
	}
	return Response{Replies: cs.core.Help(s)}, nil
}

// button answers a press of a button the core made (see ButtonCard and the
// others). Unknown data, from an older Loa or a forged update, shows
// nothing.
func (cs *Conversations) button(ctx context.Context, s *Session, ev Event) Response {
	kind, rest := splitButton(ev.Button)
	switch kind {
	case "l":
		if lang, err := knowledge.ParseLang(rest); err == nil {
			return Response{Replies: cs.core.SetLang(s, lang)}
		}
	case "m":
		return Response{Replies: cs.core.Menu(s)}
	case "t":
		return Response{Replies: []Reply{message("voice.retype")}}
	case "h":
		return Response{Replies: cs.askConsent(s)}
	case "dr":
		return Response{Replies: []Reply{message("desk.reply_hint")}}
	case "a":
		return Response{Replies: cs.readAloud(s, rest)}
	case "c":
		return Response{Replies: cs.core.Category(s, rest)}
	case "p":
		return Response{Replies: cs.core.Card(s, rest)}
	case "v":
		vi := *s
		vi.Lang = knowledge.Vietnamese
		replies := cs.core.Card(&vi, rest)
		s.Last, s.LastAt = vi.Last, vi.LastAt
		return Response{Replies: replies}
	case "s":
		id, part, _ := strings.Cut(rest, ":")
		return Response{Replies: cs.core.Section(s, id, Part(part))}
	case "fd":
		// On a volunteer's answer: counted apart from the cards, for /stats.
		id, vote, _ := strings.Cut(rest, ":")
		if _, err := strconv.ParseInt(id, 10, 64); err != nil {
			return Response{}
		}
		err := cs.store.AddFeedback(ctx, Feedback{At: cs.now(), Procedure: deskVotePrefix + id, Lang: string(sessionLang(*s)), Helpful: vote == "1", Voter: VoterKey(ev.From)})
		if err != nil {
			cs.stateError("feedback", err)
		}
		return Response{Ack: "feedback.thanks"}
	case "f":
		id, vote, _ := strings.Cut(rest, ":")
		err := cs.store.AddFeedback(ctx, Feedback{At: cs.now(), Procedure: id, Lang: string(sessionLang(*s)), Helpful: vote == "1", Voter: VoterKey(ev.From)})
		if err != nil {
			cs.stateError("feedback", err) // the thanks is still said
		}
		if vote != "1" && len(cs.desk) > 0 {
			// 👎: sorry, and a person may help.
			return Response{Ack: "feedback.thanks", Replies: []Reply{message("feedback.sorry")}}
		}
		return Response{Ack: "feedback.thanks"}
	}
	return Response{}
}

// logQuestion keeps a text question for editors, redacted, with what Loa
// did with it; that is how they see what is missing.
func (cs *Conversations) logQuestion(ctx context.Context, s Session, in Input, replies []Reply) error {
	if in.Kind != InputText || strings.TrimSpace(in.Text) == "" {
		return nil
	}
	// Only what could be answered is kept: a pasted letter is not stored whole.
	text := in.Text
	if r := []rune(text); len(r) > MaxInputRunes {
		text = string(r[:MaxInputRunes]) + "…"
	}
	q := LoggedQuestion{At: cs.now(), Lang: string(sessionLang(s)), Text: privacy.Redact(text), Outcome: Outcome(replies)}
	if q.Outcome == "direct" {
		q.Procedure = s.Last
	}
	return cs.store.LogQuestion(ctx, q)
}

// Unfinished reports whether a message, alone, looks like the start of a
// question sent in pieces ("cho tôi hỏi", then "làm giấy khai sinh"): it
// names no topic, or it has no confident answer and is no follow-up to a
// card just shown. A channel may hold such a message a moment for the rest
// and pass them on as one. Emergencies and number choices never wait.
func (cs *Conversations) Unfinished(ctx context.Context, from Address, text string) bool {
	text = strings.TrimSpace(text)
	if text == "" || cs.core.Alarming(text) || strings.Trim(text, "0123456789 .") == "" {
		return false
	}
	s, err := cs.store.LoadSession(ctx, from.Key())
	if err == nil && s.Person != "" {
		s, err = cs.store.LoadSession(ctx, personKey(from.Key(), s.Person))
	}
	if err != nil || cs.core.hasContext(&s) || len(s.Choices) > 0 {
		return false // a follow-up ("bao nhiêu tiền?") or a choice is answered at once
	}
	if len(knowledge.TopicWords(text)) == 0 {
		return true
	}
	res, err := cs.core.kb.Search(ctx, text, sessionLang(s))
	return err == nil && !res.Confident
}
