// Package conversationtest is the behaviour every channel must show, as a
// table: a channel's test drives the same steps through its own transport
// (the Telegram fake, the terminal) and checks what a user would see.
package conversationtest

import (
	"strings"
	"testing"

	"loa/bot"
	"loa/knowledge"
)

// Channel is a channel under test. Each call does what a user does and
// returns the messages that user sees in reply, as text, once the channel
// has finished with it.
type Channel interface {
	Say(t *testing.T, user, text string) []string
	Command(t *testing.T, user, command string) []string
	Press(t *testing.T, user, button string) []string
}

// Step is one thing a user does, and what they must and must not see.
type Step struct {
	Say, Command, Press string   // one of them
	Want                []string // each in some message of the reply
	First               string   // in the first message: emergencies come first
	Never               []string // in no message of the reply
}

// Case is one user's conversation.
type Case struct {
	Name  string
	Steps []Step
}

// Cases are the behaviours every channel shares.
func Cases() []Case {
	return []Case{
		{"greeting", []Step{{Say: "xin chào", Want: []string{"Xin chào"}}}},
		{"a question gets its card", []Step{{Say: "lam giay khai sinh cho con", Want: []string{"Đăng ký khai sinh", "60 ngày"}}}},
		{"a follow-up gets a part of the card", []Step{
			{Say: "lam giay khai sinh cho con", Want: []string{"Đăng ký khai sinh"}},
			{Say: "bao nhiêu tiền?", Want: []string{"Miễn phí"}},
		}},
		{"thanks around a question", []Step{{Say: "lam can cuoc cho con the nao a, em cam on", Want: []string{"căn cước"}, Never: []string{"Không có gì"}}}},
		{"an emergency phrase comes first", []Step{{Say: "nha toi bi chay", First: "114"}}},
		{"an emergency nobody wrote down comes first", []Step{{Say: "me toi nam im khong day duoc, goi mai khong tra loi", First: "115"}}},
		{"self-harm gets its own line", []Step{{Say: "em khong muon song nua", First: "096 306 1414"}}},
		{"a personal number is never echoed", []Step{{Say: "so cccd cua toi 012345678901 bi mat lam lai the nao", Never: []string{"012345678901"}}}},
		{"out of scope is said honestly", []Step{{Say: "thoi tiet sa pa ngay mai", Want: []string{"chưa có thông tin"}}}},
		{"the menu, then a category by its button", []Step{
			{Command: bot.CommandMenu, Want: []string{"Cư trú"}},
			{Press: bot.ButtonCategory("residence"), Want: []string{"tạm trú"}},
		}},
		{"a card by its button, in Vietnamese", []Step{{Press: bot.ButtonVietnamese("id-card"), Want: []string{"căn cước"}}}},
		{"the language button switches and is remembered", []Step{
			{Press: bot.ButtonLang(knowledge.Hmong), Want: []string{"Hmoob"}},
			{Command: bot.CommandHelp, Never: []string{"Loa giúp"}},
		}},
		{"a shared phone keeps villagers apart", []Step{
			{Say: "lam giay khai sinh cho con", Want: []string{"Đăng ký khai sinh"}},
			{Command: bot.CommandNewPerson, Want: []string{"người mới"}},
			{Say: "bao nhiêu tiền?", Never: []string{"Miễn phí", "Đăng ký khai sinh"}}, // the last villager's card is not theirs
			{Say: "lam can cuoc", Want: []string{"căn cước"}},
			{Command: bot.CommandDone, Want: []string{"đã quên"}},
			{Say: "bao nhiêu tiền?", Never: []string{"căn cước"}}, // nor is theirs the phone's next
		}},
		{"an unknown button shows nothing", []Step{{Press: "zz:nothing", Never: []string{"Loa"}}}},
	}
}

// Run plays every case through ch, one user a case.
func Run(t *testing.T, ch Channel) {
	for i, c := range Cases() {
		t.Run(c.Name, func(t *testing.T) {
			user := "user" + string(rune('a'+i))
			for _, st := range c.Steps {
				var got []string
				switch {
				case st.Say != "":
					got = ch.Say(t, user, st.Say)
				case st.Command != "":
					got = ch.Command(t, user, st.Command)
				default:
					got = ch.Press(t, user, st.Press)
				}
				check(t, st, got)
			}
		})
	}
}

func check(t *testing.T, st Step, got []string) {
	t.Helper()
	all := strings.Join(got, "\n---\n")
	what := st.Say + st.Command + st.Press
	for _, w := range st.Want {
		if !strings.Contains(all, w) {
			t.Errorf("%q: no %q in the reply:\n%s", what, w, all)
		}
	}
	for _, n := range st.Never {
		if strings.Contains(all, n) {
			t.Errorf("%q: %q must not be shown:\n%s", what, n, all)
		}
	}
	if st.First != "" && (len(got) == 0 || !strings.Contains(got[0], st.First)) {
		t.Errorf("%q: the first message lacks %q:\n%s", what, st.First, all)
	}
}
