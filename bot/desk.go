package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"loa/knowledge"
	"loa/privacy"
)

// DeskState is where a question handed to people stands.
type DeskState string

// Desk states.
const (
	DeskOpen     DeskState = "open"     // posted, nobody took it yet
	DeskTaken    DeskState = "taken"    // a volunteer took it
	DeskAnswered DeskState = "answered" // a volunteer's answer reached the citizen
	DeskClosed   DeskState = "closed"   // not the desk's area, or closed by an operator
	DeskExpired  DeskState = "expired"  // nobody answered within LOA_DESK_EXPIRE: the citizen was told where to ask
)

// DeskItem is a citizen's question handed to the volunteers.
type DeskItem struct {
	ID        int64
	From      Address        // the citizen
	Lang      knowledge.Lang // theirs
	Question  string         // redacted: personal numbers never leave the citizen's chat
	Card      string         // the procedure last shown to them, if any
	VoiceRef  string         // a voice note Loa could not listen to, if any
	Suggested string         // a reply drafted from the content (fact-guarded), for a volunteer to check
	State     DeskState
	Volunteer string // who took it, by name
	Answer    string // the volunteer's answer, redacted: what editors may turn into content
	Commune   string // where the citizen lives, when they said
	Created   time.Time
	Taken     time.Time
	Answered  time.Time
	Reminded  time.Time // when the card was last posted again
	Told      bool      // the citizen was told once that it still waits
}

// DeskItems keeps the desk's items, durably.
type DeskItems interface {
	// AddDeskItem stores a new item and returns its id.
	AddDeskItem(ctx context.Context, it DeskItem) (int64, error)
	DeskItem(ctx context.Context, id int64) (DeskItem, bool, error)
	SaveDeskItem(ctx context.Context, it DeskItem) error
	// DeskItems returns the items in any of states, oldest first.
	DeskItems(ctx context.Context, states ...DeskState) ([]DeskItem, error)
}

// Volunteers lists who may take and answer desk items, by Address.Key,
// with the languages they answer (none: all). Empty: anyone in the group.
type Volunteers map[string][]knowledge.Lang

// ParseVolunteers reads "123,456:hmn dao" (or one per line): a Telegram
// user id, and optionally a colon and languages.
func ParseVolunteers(s string) (Volunteers, error) {
	v := Volunteers{}
	for _, entry := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		entry = strings.TrimSpace(entry)
		if entry == "" || strings.HasPrefix(entry, "#") {
			continue
		}
		idText, langs, _ := strings.Cut(entry, ":")
		n, err := strconv.ParseInt(strings.TrimSpace(idText), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("volunteer %q: write a Telegram user id, and optionally a colon and languages (123456:hmn)", entry)
		}
		key := "telegram:" + strconv.FormatInt(n, 10)
		v[key] = []knowledge.Lang{}
		for _, code := range strings.Fields(langs) {
			lang, err := knowledge.ParseLang(code)
			if err != nil {
				return nil, fmt.Errorf("volunteer %d: %w", n, err)
			}
			v[key] = append(v[key], lang)
		}
	}
	return v, nil
}

// may reports whether who may take and answer an item in lang.
func (v Volunteers) may(who Address, lang knowledge.Lang) bool {
	if len(v) == 0 {
		return true
	}
	langs, ok := v[who.Key()]
	return ok && (len(langs) == 0 || slices.Contains(langs, lang))
}

// Desk says where each language's questions go: a volunteers' group per
// language, "*" for the rest (LOA_DESK_CHATS).
type Desk map[string]Address

// ParseDesk reads "vi:-1001,hmn:-1002,*:-1003": a language (or *), a
// colon, and a Telegram group's chat id.
func ParseDesk(s string) (Desk, error) {
	d := Desk{}
	for _, entry := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		code, chat, ok := strings.Cut(strings.TrimSpace(entry), ":")
		code, chat = strings.TrimSpace(code), strings.TrimSpace(chat)
		if _, err := strconv.ParseInt(chat, 10, 64); !ok || err != nil {
			return nil, fmt.Errorf("desk %q: write a language, a colon and the group's chat id (hmn:-1001234)", entry)
		}
		if code != "*" {
			if _, err := knowledge.ParseLang(code); err != nil {
				return nil, fmt.Errorf("desk %q: %w", entry, err)
			}
		}
		d[code] = Address{Channel: "telegram", User: chat, Chat: chat, Group: true}
	}
	return d, nil
}

// Has reports whether chat is one of the desk's groups.
func (d Desk) Has(chat string) bool {
	for _, a := range d {
		if a.Chat == chat {
			return true
		}
	}
	return false
}

// For returns the group a language's questions go to.
func (d Desk) For(lang knowledge.Lang) (Address, bool) {
	if a, ok := d[string(lang)]; ok {
		return a, true
	}
	a, ok := d["*"]
	return a, ok
}

// ButtonAskPerson asks to hand the question to a person.
func ButtonAskPerson() string { return "h" }

// ButtonConsent agrees to the question going to the volunteers.
func ButtonConsent() string { return "hy" }

// ButtonTake takes a desk item (in the volunteers' group).
func ButtonTake(id int64) string { return "dt:" + strconv.FormatInt(id, 10) }

// ButtonNotOurs says a desk item is not the desk's area.
func ButtonNotOurs(id int64) string { return "dx:" + strconv.FormatInt(id, 10) }

// ButtonSendSuggested relays a desk card's suggested reply as it is.
func ButtonSendSuggested(id int64) string { return "ds:" + strconv.FormatInt(id, 10) }

// ButtonReplyToDesk is the first button of a volunteer's answer: replying
// to that message reaches the volunteer's thread.
func ButtonReplyToDesk(id int64) string { return "dr:" + strconv.FormatInt(id, 10) }

func deskRef(data, kind string) (int64, bool) {
	k, rest := splitButton(data)
	if k != kind {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil
}

// Delivery is a reply to someone other than the user of the event (a
// volunteer's answer to the citizen, a question to the volunteers' group):
// it is part of the event's effects, so stored and sent with them, once.
type Delivery struct {
	To      Address
	Replies []Reply
}

// offerPerson marks the replies after which a person could help.
func (cs *Conversations) offerPerson(replies []Reply) {
	if len(cs.desk) == 0 || len(replies) == 0 {
		return
	}
	last := &replies[len(replies)-1]
	switch last.Message {
	case "none", "gap.ask", "voice.kept", "voice.type", "feedback.sorry":
		last.AskPerson = true
	}
}

// askConsent answers "ask a person" (the button or /human): one line to
// agree to.
func (cs *Conversations) askConsent(s *Session) []Reply {
	switch {
	case len(cs.desk) == 0:
		return []Reply{message("desk.none")}
	case s.Asked == "" && s.VoiceRef == "":
		return []Reply{message("desk.nothing")}
	}
	return []Reply{{Kind: KindConsent, Message: "desk.consent", Data: map[string]any{"Question": s.Asked}}}
}

// escalate posts the user's question to their language's volunteers.
func (cs *Conversations) escalate(ctx context.Context, s *Session, ev Event) ([]Reply, []Delivery, error) {
	from := ev.From
	lang := sessionLang(*s)
	to, ok := cs.desk.For(lang)
	if !ok {
		return []Reply{message("desk.none")}, nil, nil
	}
	if ev.Replay {
		// The process stopped during this very consent: the item may be
		// stored while the card never left. Post that item's card instead
		// of a second item (or of "nothing to send").
		if it, err := cs.recentItem(ctx, from); err != nil {
			return nil, nil, err
		} else if it != nil {
			s.Asked, s.VoiceRef = "", ""
			return []Reply{message("desk.sent")}, []Delivery{{To: to, Replies: []Reply{{Kind: KindDeskCard, Lang: knowledge.Vietnamese, Desk: it}}}}, nil
		}
	}
	if s.Asked == "" && s.VoiceRef == "" {
		return []Reply{message("desk.nothing")}, nil, nil
	}
	it := DeskItem{From: from, Lang: lang, Question: s.Asked, Card: s.Last, VoiceRef: s.VoiceRef, Commune: s.Commune, State: DeskOpen, Created: cs.now()}
	if it.Card != "" && it.Question != "" {
		// The volunteers' work starts from the content: a draft they check.
		if text, _, err := cs.core.DraftReply(ctx, it.Question, it.Card, lang); err == nil {
			it.Suggested = text
		} else if !errors.Is(err, ErrNoDrafter) {
			cs.log.Warn("desk: no suggested reply", "err", err)
		}
	}
	id, err := cs.store.AddDeskItem(ctx, it)
	if err != nil {
		return nil, nil, fmt.Errorf("keep the question for the volunteers: %w", err)
	}
	it.ID = id
	s.Asked, s.VoiceRef = "", ""
	card := Reply{Kind: KindDeskCard, Lang: knowledge.Vietnamese, Desk: &it}
	return []Reply{message("desk.sent")}, []Delivery{{To: to, Replies: []Reply{card}}}, nil
}

// recentReplay is how far back a replayed consent looks for its item: a
// restart takes seconds, not this long.
const recentReplay = 10 * time.Minute

// recentItem is the user's latest open item of the last minutes, if any.
func (cs *Conversations) recentItem(ctx context.Context, from Address) (*DeskItem, error) {
	items, err := cs.store.DeskItems(ctx, DeskOpen)
	if err != nil {
		return nil, fmt.Errorf("read the desk: %w", err)
	}
	for i := len(items) - 1; i >= 0; i-- {
		if it := items[i]; it.From == from && cs.now().Sub(it.Created) <= recentReplay {
			return &it, nil
		}
	}
	return nil, nil
}

// deskButton handles a volunteer's press on a desk card.
func (cs *Conversations) deskButton(ctx context.Context, ev Event) ([]Reply, []Delivery, error) {
	if id, ok := deskRef(ev.Button, "dt"); ok {
		it, err := cs.deskItem(ctx, id)
		if err != nil || it == nil {
			return nil, nil, err
		}
		if !cs.volunteers.may(ev.From, it.Lang) {
			return []Reply{{Kind: KindText, Lang: knowledge.Vietnamese, Message: "desk.not_volunteer"}}, nil, nil
		}
		if it.State == DeskTaken || it.State == DeskAnswered {
			return []Reply{{Kind: KindText, Lang: knowledge.Vietnamese, Message: "desk.already", Data: map[string]any{"ID": id, "Name": it.Volunteer}}}, nil, nil
		}
		it.State, it.Volunteer, it.Taken = DeskTaken, ev.Name, cs.now()
		if err := cs.store.SaveDeskItem(ctx, *it); err != nil {
			return nil, nil, err
		}
		return []Reply{{Kind: KindText, Lang: knowledge.Vietnamese, Message: "desk.taken", Data: map[string]any{"ID": id, "Name": ev.Name}}}, nil, nil
	}
	if id, ok := deskRef(ev.Button, "ds"); ok {
		it, err := cs.deskItem(ctx, id)
		if err != nil || it == nil || it.Suggested == "" {
			return nil, nil, err
		}
		if !cs.volunteers.may(ev.From, it.Lang) {
			return []Reply{{Kind: KindText, Lang: knowledge.Vietnamese, Message: "desk.not_volunteer"}}, nil, nil
		}
		replies, also, err := cs.relay(ctx, it, ev.Name, it.Suggested)
		return replies, also, err
	}
	if id, ok := deskRef(ev.Button, "dx"); ok {
		it, err := cs.deskItem(ctx, id)
		if err != nil || it == nil {
			return nil, nil, err
		}
		if !cs.volunteers.may(ev.From, it.Lang) {
			return []Reply{{Kind: KindText, Lang: knowledge.Vietnamese, Message: "desk.not_volunteer"}}, nil, nil
		}
		it.State = DeskClosed
		if err := cs.store.SaveDeskItem(ctx, *it); err != nil {
			return nil, nil, err
		}
		told := Delivery{To: it.From, Replies: []Reply{{Kind: KindText, Lang: it.Lang, Message: "desk.not_ours"}}}
		return []Reply{{Kind: KindText, Lang: knowledge.Vietnamese, Message: "desk.closed", Data: map[string]any{"ID": id}}}, []Delivery{told}, nil
	}
	return nil, nil, nil
}

// deskMessage handles a reply to a desk message: a volunteer answering a
// desk card, or a citizen answering a volunteer. ok is false when the
// message is neither.
func (cs *Conversations) deskMessage(ctx context.Context, ev Event) (replies []Reply, also []Delivery, ok bool, err error) {
	text := strings.TrimSpace(ev.Input.Text)
	voice := ""
	if ev.Input.Kind == InputVoice && ev.Input.Audio != nil {
		voice = ev.Input.Audio.Ref
	}
	if id, isCard := deskRef(ev.Quoted, "dt"); isCard && ev.From.Group && (voice != "" || ev.Input.Kind == InputText && text != "") {
		it, err := cs.deskItem(ctx, id)
		if err != nil || it == nil {
			return nil, nil, it == nil && err == nil, err
		}
		if !cs.volunteers.may(ev.From, it.Lang) {
			return []Reply{{Kind: KindText, Lang: knowledge.Vietnamese, Message: "desk.not_volunteer"}}, nil, true, nil
		}
		if voice != "" {
			// A volunteer who speaks the citizen's language better than
			// they write it: the voice note itself is relayed.
			replies, also, err := cs.relayVoice(ctx, it, ev.Name, voice)
			return replies, also, true, err
		}
		replies, also, err := cs.relay(ctx, it, ev.Name, text)
		return replies, also, true, err
	}
	if ev.Input.Kind != InputText || text == "" {
		return nil, nil, false, nil
	}
	if id, isAnswer := deskRef(ev.Quoted, "dr"); isAnswer && !ev.From.Group {
		it, err := cs.deskItem(ctx, id)
		if err != nil || it == nil || it.From.Key() != ev.From.Key() {
			return nil, nil, false, err
		}
		to, found := cs.desk.For(it.Lang)
		if !found {
			return nil, nil, false, nil
		}
		more := Reply{Kind: KindDeskFollowUp, Lang: knowledge.Vietnamese, Text: redactedQuestion(text), Desk: it}
		return []Reply{message("desk.forwarded")}, []Delivery{{To: to, Replies: []Reply{more}}}, true, nil
	}
	return nil, nil, false, nil
}

// relay sends a volunteer's answer to the citizen, labelled as one.
func (cs *Conversations) relay(ctx context.Context, it *DeskItem, name, text string) ([]Reply, []Delivery, error) {
	if it.Volunteer == "" {
		it.Volunteer = name
	}
	it.State, it.Answered = DeskAnswered, cs.now()
	it.Answer = privacy.Redact(text)
	if text == "" {
		it.Answer = "🎙 (a voice note)"
	}
	if err := cs.store.SaveDeskItem(ctx, *it); err != nil {
		return nil, nil, err
	}
	answer := Reply{Kind: KindVolunteer, Lang: it.Lang, Text: text, Desk: it, Data: map[string]any{"Name": name}}
	done := Reply{Kind: KindText, Lang: knowledge.Vietnamese, Message: "desk.relayed", Data: map[string]any{"ID": it.ID}}
	return []Reply{done}, []Delivery{{To: it.From, Replies: []Reply{answer}}}, nil
}

// relayVoice sends a volunteer's voice note to the citizen, labelled.
func (cs *Conversations) relayVoice(ctx context.Context, it *DeskItem, name, ref string) ([]Reply, []Delivery, error) {
	replies, also, err := cs.relay(ctx, it, name, "")
	if err != nil {
		return nil, nil, err
	}
	also[0].Replies[0].VoiceRef = ref
	return replies, also, nil
}

func (cs *Conversations) deskItem(ctx context.Context, id int64) (*DeskItem, error) {
	it, ok, err := cs.store.DeskItem(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("read desk item %d: %w", id, err)
	}
	if !ok {
		return nil, nil
	}
	return &it, nil
}

// deskList answers /desk in a volunteers' group: the items still open or
// taken, oldest first.
func (cs *Conversations) deskList(ctx context.Context) ([]Reply, error) {
	items, err := cs.store.DeskItems(ctx, DeskOpen, DeskTaken)
	if err != nil {
		return nil, fmt.Errorf("list desk items: %w", err)
	}
	if len(items) == 0 {
		return []Reply{{Kind: KindText, Lang: knowledge.Vietnamese, Message: "desk.empty"}}, nil
	}
	out := make([]Reply, 0, len(items))
	for i := range items {
		out = append(out, Reply{Kind: KindDeskCard, Lang: knowledge.Vietnamese, Desk: &items[i]})
	}
	return out, nil
}

// ExpireDesk gives up on the items nobody answered within after
// (LOA_DESK_EXPIRE): each citizen is told, once, to ask at the commune's
// service centre, and the volunteers' group sees which items expired.
func (cs *Conversations) ExpireDesk(ctx context.Context, after time.Duration) error {
	items, err := cs.store.DeskItems(ctx, DeskOpen, DeskTaken)
	if err != nil {
		return fmt.Errorf("expire desk items: %w", err)
	}
	var errs []error
	for _, it := range items {
		if cs.now().Sub(it.Created) < after {
			continue
		}
		it.State = DeskExpired
		if err := cs.store.SaveDeskItem(ctx, it); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := cs.Send(ctx, it.From, []Reply{{Kind: KindText, Lang: it.Lang, Message: "desk.expired"}}); err != nil {
			errs = append(errs, err)
		}
		if to, ok := cs.desk.For(it.Lang); ok {
			if err := cs.Send(ctx, to, []Reply{staffReply("desk.expired_note", map[string]any{"ID": it.ID})}); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func redactedQuestion(text string) string {
	return privacy.Redact(firstRunes(strings.TrimSpace(text), MaxInputRunes))
}

// RemindDesk posts again the cards nobody took within after (LOA_DESK_REMIND),
// at most once per after each, and tells each waiting citizen once that
// their question still waits. serve calls it every minute.
func (cs *Conversations) RemindDesk(ctx context.Context, after time.Duration) error {
	items, err := cs.store.DeskItems(ctx, DeskOpen)
	if err != nil {
		return fmt.Errorf("remind the desk: %w", err)
	}
	now := cs.now()
	var errs []error
	for _, it := range items {
		last := it.Created
		if it.Reminded.After(last) {
			last = it.Reminded
		}
		if now.Sub(last) < after {
			continue
		}
		to, ok := cs.desk.For(it.Lang)
		if !ok {
			continue
		}
		card := it
		if err := cs.Send(ctx, to, []Reply{{Kind: KindDeskCard, Lang: knowledge.Vietnamese, Desk: &card, Message: "desk.reminder"}}); err != nil {
			errs = append(errs, err)
			continue
		}
		if !it.Told {
			if err := cs.Send(ctx, it.From, []Reply{{Kind: KindText, Lang: it.Lang, Message: "desk.waiting"}}); err != nil {
				errs = append(errs, err)
			}
			it.Told = true
		}
		it.Reminded = now
		if err := cs.store.SaveDeskItem(ctx, it); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
