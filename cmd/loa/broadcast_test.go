package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"loa/bot"
	"loa/knowledge"
	"loa/sqlite"
)

func TestBroadcastCommand(t *testing.T) {
	dir := t.TempDir()
	db, msg, empty := filepath.Join(dir, "loa.db"), filepath.Join(dir, "msg.md"), filepath.Join(dir, "empty.md")
	os.WriteFile(msg, []byte("# Chính sách mới\n\nTừ **1/1/2027** …\n"), 0o644)
	os.WriteFile(empty, nil, 0o644)
	if code, _, errOut := runLoa(t, "", "broadcast", "--db", filepath.Join(dir, "none.db"), "--lang", "tay", "--file", msg); code != exitUsage || !strings.Contains(errOut, "no state database") {
		t.Errorf("missing database: exit %d %s", code, errOut)
	}
	ctx := context.Background()
	store, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"1", "2"} {
		store.Subscribe(ctx, bot.Address{Channel: "telegram", User: u, Chat: u}, knowledge.Tay)
	}
	for _, args := range [][]string{
		{"--lang", "tay"},
		{"--lang", "klingon", "--file", msg},
		{"--lang", "tay", "--file", empty},
	} {
		if code, _, errOut := runLoa(t, "", append([]string{"broadcast", "--db", db}, args...)...); code != exitUsage {
			t.Errorf("%v: exit %d %s", args, code, errOut)
		}
	}
	// Following the progress while loa serve (here: the test) sends.
	go func() {
		time.Sleep(100 * time.Millisecond)
		pending, _ := store.PendingSends(ctx, 10)
		for i, p := range pending {
			store.MarkSend(ctx, p.Broadcast, p.To, []bot.SendState{bot.SendSent, bot.SendBlocked}[i%2])
		}
	}()
	code, out, errOut := runLoa(t, "", "broadcast", "--db", db, "--lang", "tay", "--file", msg, "--every", "20ms")
	if code != exitOK || !strings.Contains(out, "broadcast #1 stored for 2 subscriber(s)") || !strings.Contains(out, "2 waiting") || !strings.Contains(out, "1 sent, 1 blocked, 0 failed, 0 waiting") {
		t.Errorf("exit %d:\n%s%s", code, out, errOut)
	}
	if rs, _ := store.BroadcastReports(ctx, 1); len(rs) != 1 || rs[0].Text != "Chính sách mới\nTừ 1/1/2027 …" {
		t.Errorf("stored %+v", rs)
	}
	code, out, _ = runLoa(t, "", "broadcast", "status", "--db", db)
	if code != exitOK || !strings.Contains(out, "broadcast #1 (tay") {
		t.Errorf("status: exit %d %s", code, out)
	}
	store.Close()
}
