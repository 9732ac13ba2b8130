package bot

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"loa/knowledge"
)

// sent collects what the core sends unprompted.
type sent struct {
	mu  sync.Mutex
	out map[string][]Reply // by chat
}

func (s *sent) Send(_ context.Context, to Address, replies []Reply) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out[to.Chat] = append(s.out[to.Chat], replies...)
	return nil
}

func (s *sent) to(chat string) []Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out[chat]
}

func TestDeskReminders(t *testing.T) {
	c, clk, _ := newCore(t)
	store := NewMemoryStore()
	desk, _ := ParseDesk("*:-100")
	cs := NewConversations(c, store, ConversationConfig{Desk: desk, Now: clk.now})
	out := &sent{out: map[string][]Reply{}}
	cs.Attach("telegram", out)
	citizen := Address{Channel: "telegram", User: "7", Chat: "7"}
	handle := func(ev Event) Response {
		ev.From = citizen
		resp, err := cs.Handle(t.Context(), ev)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if resp := handle(Event{Kind: EventMessage, Input: Input{Text: "thoi tiet sa pa ngay mai"}}); !resp.Replies[len(resp.Replies)-1].AskPerson {
		t.Fatalf("no 'ask a person' on %+v", resp.Replies)
	}
	if resp := handle(Event{Kind: EventButton, Button: ButtonConsent()}); len(resp.Also) != 1 || resp.Also[0].To.Chat != "-100" {
		t.Fatalf("escalation: %+v", resp)
	}

	remind := func() {
		if err := cs.RemindDesk(t.Context(), 2*time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	clk.t = clk.t.Add(time.Hour)
	remind()
	if n := len(out.to("-100")); n != 0 {
		t.Errorf("reminded after an hour: %d", n)
	}
	clk.t = clk.t.Add(90 * time.Minute)
	remind()
	remind() // twice in the same minute: once
	if n, told := len(out.to("-100")), len(out.to("7")); n != 1 || told != 1 || out.to("7")[0].Message != "desk.waiting" {
		t.Errorf("after 2.5 hours: %d reminders, citizen told %d times", n, told)
	}
	clk.t = clk.t.Add(2 * time.Hour)
	remind()
	if n, told := len(out.to("-100")), len(out.to("7")); n != 2 || told != 1 {
		t.Errorf("after 4.5 hours: %d reminders, citizen told %d times (once is enough)", n, told)
	}
}

func TestDeskVolunteersOnly(t *testing.T) {
	c, _, _ := newCore(t)
	store := NewMemoryStore()
	desk, _ := ParseDesk("*:-100")
	volunteers, err := ParseVolunteers("11:hmn, 12")
	if err != nil {
		t.Fatal(err)
	}
	cs := NewConversations(c, store, ConversationConfig{Desk: desk, Volunteers: volunteers})
	id, _ := store.AddDeskItem(t.Context(), DeskItem{From: Address{Channel: "telegram", User: "7", Chat: "7"}, Lang: knowledge.Vietnamese, Question: "?", State: DeskOpen})
	press := func(user string) string {
		resp, err := cs.Handle(t.Context(), Event{From: Address{Channel: "telegram", User: user, Chat: "-100", Group: true}, Kind: EventButton, Button: ButtonTake(id), Name: user})
		if err != nil || len(resp.Replies) != 1 {
			t.Fatalf("%+v %v", resp, err)
		}
		return resp.Replies[0].Message
	}
	for user, want := range map[string]string{"13": "desk.not_volunteer", "11": "desk.not_volunteer", "12": "desk.taken"} {
		if got := press(user); got != want {
			t.Errorf("user %s (Vietnamese item): %s, want %s", user, got, want)
		}
	}
	if _, err := ParseVolunteers("abc"); err == nil {
		t.Error("a volunteer without an id accepted")
	}
}

// With an LLM, the desk card carries a reply drafted from the last card,
// fact-guarded; a volunteer can send it as it is.
func TestDeskSuggestedReply(t *testing.T) {
	base, _, _ := newCore(t)
	c := New(base.kb, WithDrafter(drafterFunc(func(string, *knowledge.Procedure) (string, error) {
		return "Bác mang giấy chứng sinh đến UBND xã. Lệ phí 75.000 đồng.", nil // the fee is invented
	})))
	store := NewMemoryStore()
	desk, _ := ParseDesk("*:-100")
	cs := NewConversations(c, store, ConversationConfig{Desk: desk})
	citizen := Address{Channel: "telegram", User: "7", Chat: "7"}
	for _, ev := range []Event{
		{Kind: EventButton, Button: ButtonCard("birth-registration")},
		{Kind: EventMessage, Input: Input{Text: "con toi sinh o nuoc ngoai ve thi lam sao"}},
	} {
		ev.From = citizen
		if _, err := cs.Handle(t.Context(), ev); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := cs.Handle(t.Context(), Event{From: citizen, Kind: EventButton, Button: ButtonConsent()})
	if err != nil || len(resp.Also) != 1 {
		t.Fatalf("%+v %v", resp, err)
	}
	it := resp.Also[0].Replies[0].Desk
	if !strings.Contains(it.Suggested, "UBND xã") || strings.Contains(it.Suggested, "75.000") {
		t.Fatalf("suggestion not guarded: %q", it.Suggested)
	}
	resp, err = cs.Handle(t.Context(), Event{From: Address{Channel: "telegram", User: "12", Chat: "-100", Group: true}, Kind: EventButton, Button: ButtonSendSuggested(it.ID), Name: "Mai"})
	if err != nil || len(resp.Also) != 1 || resp.Also[0].To.Chat != "7" || resp.Also[0].Replies[0].Text != it.Suggested {
		t.Fatalf("sending the suggestion: %+v %v", resp, err)
	}
}

func TestDeskSetup(t *testing.T) {
	c, _, _ := newCore(t)
	desk, _ := ParseDesk("vi:-100")
	cs := NewConversations(c, NewMemoryStore(), ConversationConfig{Desk: desk})
	resp, err := cs.Handle(t.Context(), Event{From: Address{Channel: "telegram", User: "1", Chat: "-555", Group: true}, Kind: EventCommand, Command: CommandDesk})
	if err != nil || len(resp.Replies) != 1 || resp.Replies[0].Message != "desk.setup" || resp.Replies[0].Data["Chat"] != "-555" {
		t.Errorf("/desk in a group that is no desk yet: %+v %v", resp, err)
	}
}

// On a volunteer's phone, each villager's questions stay theirs.
func TestSharedPhone(t *testing.T) {
	c, _, _ := newCore(t)
	store := NewMemoryStore()
	cs := NewConversations(c, store, ConversationConfig{})
	phone := Address{Channel: "telegram", User: "50", Chat: "50"}
	do := func(ev Event) Response {
		ev.From = phone
		resp, err := cs.Handle(t.Context(), ev)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	say := func(text string) Response { return do(Event{Kind: EventMessage, Input: Input{Text: text}}) }
	cmd := func(name, arg string) Response { return do(Event{Kind: EventCommand, Command: name, Arg: arg}) }

	if r := cmd(CommandNewPerson, "hmn"); r.Replies[0].Message != "person.new" || r.Lang != knowledge.Hmong {
		t.Fatalf("/newperson hmn: %+v", r)
	}
	if r := say("lam giay khai sinh cho con"); !slices.ContainsFunc(r.Replies, func(r Reply) bool { return r.Kind == KindCard }) {
		t.Fatalf("first villager's question: %+v", r.Replies)
	}
	cmd(CommandNewPerson, "")
	if r := say("bao nhiêu tiền?"); slices.ContainsFunc(r.Replies, func(r Reply) bool { return r.Kind == KindSection }) {
		t.Error("the second villager got a follow-up of the first one's card")
	}
	if r := cmd(CommandDone, ""); r.Replies[0].Message != "person.done" {
		t.Errorf("/done: %+v", r)
	}
	if r := cmd(CommandDone, ""); r.Replies[0].Message != "person.none" {
		t.Errorf("/done twice: %+v", r)
	}
	s, _ := store.LoadSession(t.Context(), phone.Key())
	if s.Person != "" || s.Last != "" {
		t.Errorf("the phone's own session after /done: %+v", s)
	}
}

// A consent answered again after a restart (its update replayed) posts the
// item it already stored, never a second one nor "nothing to send": in
// both places the process can stop, before the session was saved and
// after.
func TestReplayedConsent(t *testing.T) {
	for _, sessionSaved := range []bool{false, true} {
		c, clk, _ := newCore(t)
		store := NewMemoryStore()
		desk, _ := ParseDesk("*:-100")
		cs := NewConversations(c, store, ConversationConfig{Desk: desk, Now: clk.now})
		citizen := Address{Channel: "telegram", User: "7", Chat: "7"}
		handle := func(ev Event) Response {
			ev.From = citizen
			resp, err := cs.Handle(t.Context(), ev)
			if err != nil {
				t.Fatal(err)
			}
			return resp
		}
		handle(Event{Kind: EventMessage, Input: Input{Text: "thoi tiet sa pa ngay mai"}})
		before, _ := store.LoadSession(t.Context(), citizen.Key())
		if resp := handle(Event{Kind: EventButton, Button: ButtonConsent()}); len(resp.Also) != 1 {
			t.Fatalf("escalation: %+v", resp)
		}
		if !sessionSaved {
			store.SaveSession(t.Context(), citizen.Key(), before)
		}
		clk.t = clk.t.Add(5 * time.Second) // the restart
		resp := handle(Event{Kind: EventButton, Button: ButtonConsent(), Replay: true})
		items, _ := store.DeskItems(t.Context())
		if len(items) != 1 || len(resp.Also) != 1 || resp.Also[0].Replies[0].Desk.ID != items[0].ID || resp.Replies[0].Message != "desk.sent" {
			t.Errorf("session saved %v: %d items, replay answered %+v", sessionSaved, len(items), resp)
		}
	}
}

// "/newperson hmn Bát Xát": the villager's language and commune; the desk
// card their question makes carries the commune.
func TestNewPersonWithCommune(t *testing.T) {
	c, clk, _ := newCore(t)
	store := NewMemoryStore()
	desk, _ := ParseDesk("*:-100")
	cs := NewConversations(c, store, ConversationConfig{Desk: desk, Now: clk.now})
	phone := Address{Channel: "telegram", User: "7", Chat: "7"}
	for _, tt := range []struct {
		arg     string
		lang    knowledge.Lang
		commune string
	}{
		{"hmn Bát Xát", knowledge.Hmong, "Bát Xát"},
		{"Y Tý", knowledge.Vietnamese, "Y Tý"},
		{"", knowledge.Vietnamese, ""},
	} {
		if _, err := cs.Handle(t.Context(), Event{From: phone, Kind: EventCommand, Command: CommandNewPerson, Arg: tt.arg}); err != nil {
			t.Fatal(err)
		}
		s, _ := store.LoadSession(t.Context(), phone.Key())
		person, _ := store.LoadSession(t.Context(), personKey(phone.Key(), s.Person))
		if person.Lang != tt.lang || person.Commune != tt.commune {
			t.Errorf("/newperson %s: %s %q", tt.arg, person.Lang, person.Commune)
		}
	}
	cs.Handle(t.Context(), Event{From: phone, Kind: EventCommand, Command: CommandNewPerson, Arg: "Bát Xát"})
	cs.Handle(t.Context(), Event{From: phone, Kind: EventMessage, Input: Input{Text: "thoi tiet sa pa ngay mai"}})
	resp, _ := cs.Handle(t.Context(), Event{From: phone, Kind: EventButton, Button: ButtonConsent()})
	if len(resp.Also) != 1 || resp.Also[0].Replies[0].Desk.Commune != "Bát Xát" {
		t.Errorf("desk card: %+v", resp.Also)
	}
}
