package telegram

import (
	"strings"
	"testing"
	"time"

	"loa/bot"
	"loa/bot/telegramtest"
	"loa/content"
)

// A question sent in pieces is answered once, as one question; a message
// complete alone never waits.
func TestQuestionInPieces(t *testing.T) {
	store := bot.NewMemoryStore()
	// A long window: what is answered before it ends was not held.
	h := run(t, newHarnessWith(t, store, content.FS(), Config{MergeWindow: time.Minute}))

	h.fake.Push(telegramtest.Text(61, "chào cháu"))
	h.fake.Push(telegramtest.Text(61, "cho bà hỏi"))
	h.fake.Push(telegramtest.Text(61, "lam giay khai sinh cho chau"))
	calls := h.expect(t, 1)
	if len(calls) != 1 || !strings.Contains(calls[0].Params["text"], "khai sinh") {
		t.Fatalf("three pieces: %d replies, first %q", len(calls), calls[0].Params["text"])
	}

	// Complete alone: answered at once, not after the window.
	h.fake.Push(telegramtest.Text(62, "lam can cuoc"))
	if _, err := h.fake.WaitCalls("sendMessage", 2, 10*time.Second); err != nil {
		t.Fatalf("a complete question waited: %v", err)
	}

	// A button pressed while a piece waits: the piece is answered first.
	h.fake.Push(telegramtest.Text(63, "cho tôi hỏi"))
	h.fake.Push(telegramtest.Callback(63, bot.ButtonCard("id-card")))
	calls = h.expect(t, 4)
	if first := calls[2].Params["chat_id"]; first != "63" || strings.Contains(calls[2].Params["text"], "căn cước") {
		t.Errorf("the piece should be answered before the button: %q then %q", calls[2].Params["text"], calls[3].Params["text"])
	}
	time.Sleep(200 * time.Millisecond) // the journal is written after the replies are queued
	if pending, _ := store.Unprocessed(t.Context()); len(pending) != 0 {
		t.Errorf("%d pieces left unprocessed in the journal", len(pending))
	}
	if n := len(h.fake.Calls("sendMessage")); n != 4 {
		t.Errorf("%d replies, want 4", n)
	}
}

// The window ends: what was held is answered, alone.
func TestUnfinishedAloneIsAnsweredAfterTheWindow(t *testing.T) {
	h := run(t, newHarnessWith(t, nil, content.FS(), Config{MergeWindow: 200 * time.Millisecond}))
	h.fake.Push(telegramtest.Text(64, "cho tôi hỏi"))
	if calls := h.expect(t, 1); calls[0].Params["chat_id"] != "64" {
		t.Errorf("%+v", calls[0].Params)
	}
}
