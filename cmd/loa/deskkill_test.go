package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"loa/bot"
	"loa/bot/telegramtest"
	"loa/sqlite"
)

// TestDeskSurvivesKill walks one desk item through `loa serve` killed with
// SIGKILL twice: after the card reached the volunteers, and just after a
// volunteer's answer was relayed. No item is lost, and the citizen gets the
// answer once.
func TestDeskSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin, err := buildLoa()
	if err != nil {
		t.Fatal(err)
	}
	const group, citizen, volunteer = -100777, 7001, 7002
	fake := telegramtest.New(t)
	db := filepath.Join(t.TempDir(), "loa.db")
	start := func() *exec.Cmd {
		cmd, _ := startServe(t, bin, fake, "LOA_DB="+db, "LOA_DESK_CHATS=*:"+strconv.Itoa(group))
		return cmd
	}
	to := func(chat int64) []telegramtest.Call {
		var out []telegramtest.Call
		for _, c := range fake.Calls("sendMessage") {
			if c.Params["chat_id"] == strconv.FormatInt(chat, 10) {
				out = append(out, c)
			}
		}
		return out
	}
	waitFor := func(chat int64, n int, what string) []telegramtest.Call {
		t.Helper()
		for deadline := time.Now().Add(stopBound); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if got := to(chat); len(got) >= n {
				return got
			}
		}
		t.Fatalf("%s: %d messages to %d, want %d", what, len(to(chat)), chat, n)
		return nil
	}
	kill := func(cmd *exec.Cmd) { cmd.Process.Kill(); cmd.Wait() }

	serve := start()
	fake.Push(telegramtest.Text(citizen, "xin giay phep nuoi ca sau"))
	waitFor(citizen, 1, "the don't-know")
	fake.Push(telegramtest.Callback(citizen, bot.ButtonConsent()))
	card := waitFor(group, 1, "the desk card")[0]
	kill(serve)

	serve = start()
	press := telegramtest.Callback(volunteer, bot.ButtonTake(1))
	press.CallbackQuery.From.FirstName = "Mai"
	press.CallbackQuery.Message.Message.Chat = models.Chat{ID: group, Type: models.ChatTypeSupergroup}
	fake.Push(press)
	waitFor(group, 2, "taken")
	answer := telegramtest.GroupText(group, volunteer, "Bác ra xã hỏi cán bộ nông nghiệp nhé.")
	answer.Message.From.FirstName = "Mai"
	markup := &models.InlineKeyboardMarkup{}
	if err := card.Decode("reply_markup", markup); err != nil {
		t.Fatal(err)
	}
	answer.Message.ReplyToMessage = &models.Message{ID: 1, From: &models.User{ID: fake.Bot.ID}, Text: card.Params["text"], ReplyMarkup: markup}
	fake.Push(answer)
	waitFor(citizen, 3, "the relayed answer") // don't-know, "sent to the team", the answer
	// Killed once the relay is recorded as sent. Killed between the call
	// and that record, the outbox would send it again: a kill -9 repeats at
	// most the calls in flight (TestServeSurvivesKill), it never loses one.
	waitOutboxEmpty(t, db)
	kill(serve)

	serve = start()
	fake.Push(telegramtest.Text(citizen, "/help")) // the restarted serve is up and has sent what it owed
	waitFor(citizen, 4, "after the second restart")
	relayed := 0
	for _, c := range to(citizen) {
		if strings.Contains(c.Params["text"], "cán bộ nông nghiệp") {
			relayed++
		}
	}
	if relayed != 1 {
		t.Errorf("the volunteer's answer reached the citizen %d times, want 1", relayed)
	}
	kill(serve)
	code, out, errOut := runLoa(t, "", "desk", "show", "1", "--db", db)
	if code != exitOK || !strings.Contains(out, "answered") || !strings.Contains(out, "taken by Mai") {
		t.Errorf("the item after two kills: exit %d\n%s%s", code, out, errOut)
	}
}

// waitOutboxEmpty waits until serve has recorded every reply as sent.
func waitOutboxEmpty(t *testing.T, db string) {
	t.Helper()
	store, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for deadline := time.Now().Add(stopBound); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if unsent, err := store.Unsent(context.Background(), 1); err == nil && len(unsent) == 0 {
			return
		}
	}
	t.Fatal("replies never recorded as sent")
}
