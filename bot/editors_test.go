package bot

import (
	"context"
	"errors"
	"strings"
	"testing"

	"loa/knowledge"
)

func TestEditorsCommands(t *testing.T) {
	c, clk, words := newCore(t)
	store := NewMemoryStore()
	editor := Address{Channel: "telegram", User: "42", Chat: "42"}
	reloads := 0
	var refuse error
	cs := NewConversations(c, store, ConversationConfig{Now: clk.now, Editors: map[string]bool{editor.Key(): true},
		Reload: func(context.Context) (knowledge.Problems, error) {
			reloads++
			if refuse != nil {
				return knowledge.Problems{{File: "procedures/id-card/vi.md", Line: 3, Severity: knowledge.Error, Message: "title is empty"}}, refuse
			}
			return nil, nil
		}})
	ask := func(from Address, command, arg string) Reply {
		t.Helper()
		resp, err := cs.Handle(t.Context(), Event{From: from, Kind: EventCommand, Command: command, Arg: arg})
		if err != nil || len(resp.Replies) != 1 {
			t.Fatalf("/%s: %+v %v", command, resp, err)
		}
		return resp.Replies[0]
	}
	citizen := Address{Channel: "telegram", User: "7", Chat: "7"}
	cs.Handle(t.Context(), Event{From: citizen, Kind: EventMessage, Input: Input{Text: "thoi tiet sa pa ngay mai"}})
	for _, cmd := range []string{CommandReload, CommandGaps, CommandStats} {
		if r := ask(citizen, cmd, ""); r.Message != "editor.not_editor" {
			t.Errorf("/%s by a citizen: %+v", cmd, r)
		}
	}
	if reloads != 0 {
		t.Error("a citizen reloaded the content")
	}
	if r := ask(editor, CommandReload, ""); r.Message != "reload.done" || r.Lang != knowledge.Vietnamese || reloads != 1 {
		t.Errorf("/reload: %+v", r)
	}
	refuse = errors.New("1 error")
	if r := ask(editor, CommandReload, ""); r.Message != "reload.refused" || !strings.Contains(words.Render(r), "procedures/id-card/vi.md:3") {
		t.Errorf("/reload refused: %+v %s", r, words.Render(r))
	}
	if r := ask(editor, CommandGaps, "7"); r.Kind != KindReport || !strings.Contains(r.Text, "thoi tiet sa pa ngay mai") || r.Data["Days"] != 7 {
		t.Errorf("/gaps 7: %+v", r)
	}
	if r := ask(editor, CommandStats, ""); r.Kind != KindReport || !strings.Contains(r.Text, "<5") || r.Data["Days"] != statsDays {
		t.Errorf("/stats: %+v", r)
	}
	// Without a content folder there is nothing to reload.
	plain := NewConversations(c, store, ConversationConfig{Editors: map[string]bool{editor.Key(): true}})
	if resp, _ := plain.Handle(t.Context(), Event{From: editor, Kind: EventCommand, Command: CommandReload}); resp.Replies[0].Message != "reload.none" {
		t.Errorf("/reload without a folder: %+v", resp.Replies)
	}
}

// A vote on a volunteer's answer is counted apart from the cards.
func TestVoteOnVolunteersAnswer(t *testing.T) {
	c, clk, _ := newCore(t)
	store := NewMemoryStore()
	cs := NewConversations(c, store, ConversationConfig{Now: clk.now})
	from := Address{Channel: "telegram", User: "7", Chat: "7"}
	for _, data := range []string{ButtonDeskVote(12, false), "fd:x:1"} {
		if resp, err := cs.Handle(t.Context(), Event{From: from, Kind: EventButton, Button: data}); err != nil || (data != "fd:x:1" && resp.Ack != "feedback.thanks") {
			t.Errorf("%s: %+v %v", data, resp, err)
		}
	}
	if len(store.Feedback) != 1 || store.Feedback[0].Procedure != "desk/12" || store.Feedback[0].Helpful {
		t.Errorf("votes: %+v", store.Feedback)
	}
}

func TestUnfinished(t *testing.T) {
	c, clk, _ := newCore(t)
	store := NewMemoryStore()
	cs := NewConversations(c, store, ConversationConfig{Now: clk.now})
	fresh := Address{Channel: "telegram", User: "1", Chat: "1"}
	shown := Address{Channel: "telegram", User: "2", Chat: "2"}
	store.SaveSession(t.Context(), shown.Key(), Session{Last: "id-card", LastAt: clk.now()})
	tests := []struct {
		from Address
		text string
		want bool
	}{
		{fresh, "chào cháu", true},
		{fresh, "cho tôi hỏi", true},
		{fresh, "anh chị ơi", true},
		{fresh, "lam giay khai sinh cho con", false},
		{fresh, "làm căn cước", false},
		{fresh, "cứu với nhà tôi bị cháy", false}, // an emergency never waits
		{fresh, "2", false},
		{fresh, "", false},
		{shown, "bao nhiêu tiền", false}, // a follow-up to the card just shown
		{fresh, "bao nhiêu tiền", true},
	}
	for _, tt := range tests {
		if got := cs.Unfinished(t.Context(), tt.from, tt.text); got != tt.want {
			t.Errorf("Unfinished(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
