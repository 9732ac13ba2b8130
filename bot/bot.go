// Package bot is Loa's conversation core: a message in, channel-neutral
// replies out. It knows nothing of Telegram or terminals; adapters turn
// their updates into an Input and render the Replies.
package bot

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"loa/knowledge"
	"loa/privacy"
)

// Knowledge is what the core needs of the knowledge base.
type Knowledge interface {
	Search(ctx context.Context, question string, lang knowledge.Lang) (knowledge.Result, error)
	Content() *knowledge.Content
}

// Drafter writes a short answer to a question about one procedure (the
// llm package, over an OpenAI-compatible server). Its text is checked by
// knowledge.Procedure.Guard before anyone sees it.
type Drafter interface {
	Draft(ctx context.Context, question string, p *knowledge.Procedure, lang knowledge.Lang, onText func(string)) (string, error)
}

// Input is one message from a user.
type Input struct {
	Kind InputKind
	Text string
	// Preview, when set, receives a drafted answer as it is written: only
	// whole sentences the fact guard let through, for a channel to show
	// while the model writes. The final reply follows as usual.
	Preview func(text string)
	// Audio is the voice note of an InputVoice, fetched only when Loa
	// listens to it.
	Audio *Audio
}

// Audio is a voice note, an audio file or a video note.
type Audio struct {
	Ref     string // the channel's id of the file (Telegram's file_id): kept for people when Loa cannot listen
	Name    string // a file name whose extension gives the format ("voice.ogg")
	Seconds int    // its length, as the channel says
	Bytes   int64  // its size, as the channel says
	// Open fetches it. The channel bounds what it reads to MaxAudioBytes.
	Open func(ctx context.Context) (io.ReadCloser, error)
}

// The longest voice note Loa listens to: longer ones are politely refused.
const (
	MaxAudioBytes   = 20 << 20 // Telegram bots may download up to 20 MB
	MaxAudioSeconds = 120
)

// InputKind says what a user sent; only text can be answered today.
type InputKind int

// Input kinds.
const (
	InputText  InputKind = iota
	InputVoice           // a voice message or audio
	InputMedia           // a sticker, photo, video, document, location, contact…
)

// Session is what Loa remembers of one conversation between turns.
type Session struct {
	Lang    knowledge.Lang
	Last    string    // id of the procedure on the last card
	LastAt  time.Time // when that card was shown
	Choices []string  // ids last offered as numbered choices
	Offered bool      // Loa has offered once to switch to the language the user writes
	// Asked is the user's last question, redacted, and VoiceRef their last
	// voice note Loa could not listen to: what "ask a person" hands on.
	Asked    string
	VoiceRef string
	// Person, on a shared phone, is the villager being helped now
	// (/newperson): their turns use a session of their own.
	Person string
	// Commune is where the villager lives, when they said (/newperson hmn
	// Bát Xát): the volunteers' desk card shows it.
	Commune string
}

// Core answers messages. It is safe for concurrent use; each Session must
// be used by one turn at a time.
type Core struct {
	kb         Knowledge
	now        func() time.Time
	contextTTL time.Duration
	drafter    Drafter // nil: cards only
}

// Option configures a Core.
type Option func(*Core)

// WithClock sets the clock, for tests.
func WithClock(now func() time.Time) Option { return func(c *Core) { c.now = now } }

// WithDrafter lets the core draft answers to questions the card's sections
// do not answer one by one; without it, Loa answers with cards alone.
func WithDrafter(d Drafter) Option { return func(c *Core) { c.drafter = d } }

// WithContextTTL sets how long follow-up questions refer to the last card.
func WithContextTTL(d time.Duration) Option { return func(c *Core) { c.contextTTL = d } }

// MaxInputRunes bounds a question; longer text gets a polite refusal.
const MaxInputRunes = 1000

// New returns a Core answering from kb.
func New(kb Knowledge, opts ...Option) *Core {
	c := &Core{kb: kb, now: time.Now, contextTTL: 30 * time.Minute}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Turn answers one message and updates the session. Every reply carries
// the language to show it in.
func (c *Core) Turn(ctx context.Context, s *Session, in Input) ([]Reply, error) {
	defaultLang(s)
	replies, err := c.turn(ctx, s, in)
	for i := range replies {
		if replies[i].Lang == "" {
			replies[i].Lang = s.Lang
		}
	}
	return replies, err
}

func (c *Core) turn(ctx context.Context, s *Session, in Input) ([]Reply, error) {
	text := strings.TrimSpace(strings.ToValidUTF8(in.Text, ""))
	intents := c.kb.Content().Intents
	// Emergencies come before every other judgement, even on text too long
	// or too strange to answer.
	found, sure := calmed(c.kb.Content(), firstRunes(text, MaxInputRunes))
	replies := emergencyReplies(found)
	emergency := len(replies) > 0
	switch {
	case in.Kind == InputVoice:
		return append(replies, message("unsupported.voice")), nil
	case in.Kind == InputMedia:
		return append(replies, message("unsupported.media")), nil
	case text == "":
		return append(replies, message("empty")), nil
	case utf8.RuneCountInString(text) > MaxInputRunes:
		return append(replies, message("too_long")), nil
	case !mostlyLatin(text):
		return append(replies, message("unsupported.script")), nil
	}
	if privacy.HasPersonalNumber(text) {
		// Never repeated back, never searched or stored.
		replies = append(replies, Reply{Kind: KindNotice, Message: "personal_number"})
		text = privacy.Redact(text)
	}
	if r, ok := c.choice(s, text); ok {
		return append(replies, r...), nil
	}
	// Greetings and thanks around a question are taken out, and the question
	// is answered; alone, they get their short answer.
	intent, hasIntent := intents.Match(text)
	question := text
	switch {
	case emergency:
		return c.emergencyAnswer(ctx, s, text, replies, sure)
	case hasIntent:
		question = intents.Strip(text, knowledge.Greeting, knowledge.Thanks)
		if len(knowledge.TopicWords(question)) == 0 {
			return append(replies, message(string(intent))), nil
		}
	}
	answer, err := c.answer(ctx, s, question, in.Preview)
	if err != nil {
		return nil, err
	}
	offer := c.offerLang(s, text)
	switch last := answer[len(answer)-1]; {
	case last.Kind == KindCard || last.Kind == KindSection:
		return append(append(replies, answer...), offer...), nil
	case hasIntent && (intent == knowledge.WhoAmI || intent == knowledge.Insult):
		return append(append(replies, message(string(intent))), offer...), nil
	}
	return append(append(replies, answer...), offer...), nil
}

// Alarming reports whether text sounds like an emergency.
func (c *Core) Alarming(text string) bool {
	found, _ := calmed(c.kb.Content(), firstRunes(strings.TrimSpace(text), MaxInputRunes))
	return len(found) > 0
}

// emergencyAnswer follows the emergency lines with nothing that distracts
// from them, unless the message also asks about papers ("nhà bị cháy, làm
// lại giấy khai sinh thế nào", "con anh bị tai nạn, bảo chuyển tiền gấp"):
// then with the card or choices for it, searched as written and, failing
// that, without the alarm's words. An alarm that only the weighed signs
// raised may be wrong, so a card that clearly fits follows its numbers.
func (c *Core) emergencyAnswer(ctx context.Context, s *Session, text string, numbers []Reply, sure bool) ([]Reply, error) {
	intents := c.kb.Content().Intents
	if !intents.Has(text, knowledge.Request) {
		if sure {
			return numbers, nil
		}
		answer, err := c.answer(ctx, s, text, nil)
		if err != nil {
			return nil, err
		}
		if k := answer[len(answer)-1].Kind; k == KindCard || k == KindSection {
			return append(numbers, answer...), nil
		}
		return numbers, nil
	}
	answer, err := c.answer(ctx, s, text, nil)
	if err != nil {
		return nil, err
	}
	if k := answer[len(answer)-1].Kind; k != KindCard && k != KindSection {
		calm := intents.Strip(text, append(knowledge.EmergencyNames(), knowledge.Greeting, knowledge.Thanks)...)
		if answer, err = c.answer(ctx, s, calm, nil); err != nil {
			return nil, err
		}
	}
	if answer[len(answer)-1].Kind == KindText { // "don't know" adds nothing to the numbers
		return numbers, nil
	}
	return append(numbers, answer...), nil
}

// calmed returns the emergencies in text, less a plain emergency that the
// text puts in the past, or makes a lesson or a claim, while asking about
// papers ("nhà bị cháy năm ngoái, làm lại giấy khai sinh thế nào").
// Self-harm and violence are never calmed. sure says a phrase of
// intents.yaml found them; otherwise the weighed signs of alarms.yaml did.
func calmed(content *knowledge.Content, text string) (found []knowledge.Intent, sure bool) {
	intents := content.Intents
	found, sure = intents.Emergencies(content.Alarms.Plain(text)), true
	if len(found) == 0 {
		found, sure = content.Alarms.Weigh(text).Intents, false
	}
	if len(found) == 0 || !intents.Has(text, knowledge.Calm) || !intents.Has(text, knowledge.Request) {
		return found, sure
	}
	return slices.DeleteFunc(found, func(e knowledge.Intent) bool { return e == knowledge.Emergency }), sure
}

// emergencyReplies gives the lines of each emergency found, most specific
// first, then the emergency numbers, which every emergency gets.
func emergencyReplies(found []knowledge.Intent) []Reply {
	var out []Reply
	for _, e := range found {
		if e != knowledge.Emergency {
			out = append(out, Reply{Kind: KindEmergency, Message: "emergency." + string(e)})
		}
	}
	if len(found) > 0 {
		out = append(out, Reply{Kind: KindEmergency, Message: "emergency"})
	}
	return out
}

// answer searches the knowledge base: a card when sure, a section of the
// last card for a follow-up, choices when unsure, or "don't know". A case
// the content lists as a gap is said to be not covered.
func (c *Core) answer(ctx context.Context, s *Session, text string, preview func(string)) ([]Reply, error) {
	res, err := c.kb.Search(ctx, text, s.Lang)
	if err != nil {
		return nil, fmt.Errorf("answer question: %w", err)
	}
	if part, ok, err := c.followUp(ctx, s, text, res); err != nil {
		return nil, err
	} else if ok {
		return c.section(s, s.Last, part), nil
	}
	if p, first := c.draftable(s, text, res); p != nil {
		return c.draft(ctx, s, text, p, first, preview), nil
	}
	if again, ok := c.researched(ctx, s, text, res); ok {
		res = again
	}
	var replies []Reply
	if gap, ok := c.kb.Content().Gap(text); ok {
		replies = append(replies, Reply{Kind: KindNotice, Message: "gap", Data: map[string]any{"Case": gap.TitleIn(s.Lang)}})
		if !res.Confident {
			return append(replies, message("gap.ask")), nil
		}
	}
	switch {
	case res.Confident:
		return append(replies, c.Card(s, res.Hits[0].ID)...), nil
	case res.Related:
		return c.choices(s, res.Hits), nil
	}
	return []Reply{message("none")}, nil
}

// offerLang offers, once per user, to answer in the language the text is
// clearly written in when that is not the chosen one.
func (c *Core) offerLang(s *Session, text string) []Reply {
	if s.Offered {
		return nil
	}
	guess := knowledge.GuessOther(text, s.Lang)
	if guess == "" {
		return nil
	}
	s.Offered = true
	return []Reply{{Kind: KindOffer, Offer: guess, Message: "lang.offer", Data: map[string]any{"Name": guess.Name()}}}
}

// defaultLang gives a user who never chose a language Vietnamese; every
// entry point calls it, so a button pressed before /start still has one.
func defaultLang(s *Session) {
	if s.Lang == "" {
		s.Lang = knowledge.Vietnamese
	}
}

func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// mostlyLatin reports whether at least half the letters of s are Latin:
// all five of Loa's languages are written in Latin script.
func mostlyLatin(s string) bool {
	latin, other := 0, 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Latin, r):
			latin++
		case unicode.IsLetter(r):
			other++
		}
	}
	return latin >= other
}

// Card shows the card of procedure id and makes it the conversation's
// context for follow-up questions.
func (c *Core) Card(s *Session, id string) []Reply {
	defaultLang(s)
	now := c.now()
	// As in force today; nil for an old button of a procedure since
	// removed, or one no longer (or not yet) in force.
	p := c.kb.Content().ProcedureAt(id, now)
	if p == nil {
		return []Reply{{Kind: KindText, Message: "none", Lang: s.Lang}}
	}
	s.Last, s.LastAt, s.Choices = id, now, nil
	lang := shownLang(p, s.Lang)
	return append(notices(p, s.Lang), Reply{Kind: KindCard, Procedure: p, Lang: lang})
}

// Section shows one part of procedure id.
func (c *Core) section(s *Session, id string, part Part) []Reply {
	now := c.now()
	p := c.kb.Content().ProcedureAt(id, now)
	if p == nil {
		return []Reply{{Kind: KindText, Message: "none", Lang: s.Lang}}
	}
	s.LastAt = now
	return append(notices(p, s.Lang), Reply{Kind: KindSection, Procedure: p, Lang: shownLang(p, s.Lang), Part: part})
}

// Section answers a request for one part of a procedure (a button press).
func (c *Core) Section(s *Session, id string, part Part) []Reply {
	defaultLang(s)
	s.Last = id
	return c.section(s, id, part)
}

func (c *Core) choices(s *Session, hits []knowledge.Hit) []Reply {
	if len(hits) > knowledge.MaxChoices {
		hits = hits[:knowledge.MaxChoices]
	}
	s.Choices = s.Choices[:0]
	for _, h := range hits {
		s.Choices = append(s.Choices, h.ID)
	}
	return []Reply{{Kind: KindChoices, Choices: hits, Lang: s.Lang}}
}

// choice opens a numbered choice when the user types its number.
func (c *Core) choice(s *Session, text string) ([]Reply, bool) {
	n, err := strconv.Atoi(strings.TrimSuffix(text, "."))
	switch {
	case err != nil:
		return nil, false
	case n < 1 || n > len(s.Choices):
		// A bare number is never a question worth searching.
		return []Reply{message("choice.unknown")}, true
	}
	if id, ok := strings.CutPrefix(s.Choices[n-1], categoryChoice); ok {
		return c.Category(s, id), true
	}
	return c.Card(s, s.Choices[n-1]), true
}

// categoryChoice marks a numbered choice that opens a category (after the
// menu) rather than a procedure.
const categoryChoice = "category:"

func (c *Core) hasContext(s *Session) bool {
	return s.Last != "" && c.now().Sub(s.LastAt) <= c.contextTTL
}

// SetLang switches the session's language.
func (c *Core) SetLang(s *Session, lang knowledge.Lang) []Reply {
	s.Lang = lang
	return []Reply{{Kind: KindText, Message: "lang.switched", Data: map[string]any{"Name": lang.Name()}, Lang: lang}}
}

// Help explains what Loa can do.
func (c *Core) Help(s *Session) []Reply {
	defaultLang(s)
	return []Reply{{Kind: KindText, Message: "help", Lang: s.Lang}}
}

// shownLang is the language a procedure is shown in for a user of lang.
func shownLang(p *knowledge.Procedure, lang knowledge.Lang) knowledge.Lang {
	if p.Text(lang) != nil {
		return lang
	}
	return knowledge.Vietnamese
}

// notices says, in the user's language, when the text shown is not a
// reviewed text in their language.
func notices(p *knowledge.Procedure, lang knowledge.Lang) []Reply {
	if lang == knowledge.Vietnamese {
		return nil
	}
	switch p.StatusOf(lang) {
	case knowledge.Missing:
		return []Reply{{Kind: KindNotice, Message: "notice.fallback", Data: map[string]any{"Lang": lang.Name()}, Lang: lang}}
	case knowledge.Stale:
		return []Reply{{Kind: KindNotice, Message: "notice.stale", Lang: lang}}
	case knowledge.Machine:
		return []Reply{{Kind: KindNotice, Message: "notice.machine", Lang: lang}}
	case knowledge.Draft:
		return []Reply{{Kind: KindNotice, Message: "notice.draft", Lang: lang}}
	}
	return nil
}

// Menu lists the categories, for users who browse instead of typing;
// typing a category's number opens it.
func (c *Core) Menu(s *Session) []Reply {
	defaultLang(s)
	cats := c.kb.Content().Categories
	s.Choices = s.Choices[:0]
	for _, cat := range cats {
		s.Choices = append(s.Choices, categoryChoice+cat.ID)
	}
	return []Reply{{Kind: KindMenu, Lang: s.Lang, Categories: cats}}
}

// Category lists the procedures of one category.
func (c *Core) Category(s *Session, id string) []Reply {
	defaultLang(s)
	content := c.kb.Content()
	cat, ok := content.Category(id)
	if !ok {
		return c.Menu(s)
	}
	var procs []*knowledge.Procedure
	s.Choices = s.Choices[:0] // typing a number opens that procedure
	now := c.now()
	for _, p := range content.Procedures {
		if p = p.At(now); p != nil && p.Category == id {
			procs = append(procs, p)
			s.Choices = append(s.Choices, p.ID)
		}
	}
	return []Reply{{Kind: KindMenu, Lang: s.Lang, Category: &cat, Procedures: procs}}
}
