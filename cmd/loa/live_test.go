package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"loa/bot/telegramtest"
)

// TestLiveContent runs `loa serve` on a content folder and edits it: a
// valid edit is answered from within seconds (the time is logged), a
// broken one is refused, reported to the editors' chat with file and line,
// and the answers before it go on.
func TestLiveContent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildLoa()
	if err != nil {
		t.Fatal(err)
	}
	dir := copyContent(t)
	fake := telegramtest.New(t)
	_, stderr := startServe(t, bin, fake, "LOA_DB="+filepath.Join(t.TempDir(), "loa.db"), "LOA_CONTENT_DIR="+dir, "LOA_EDITORS_CHAT=-100900", "LOA_MERGE_WINDOW=0")

	user := int64(8000)
	// ask sends the question as a new user and returns the reply's text.
	ask := func(question string) string {
		t.Helper()
		user++
		before := len(fake.Calls("sendMessage"))
		fake.Push(telegramtest.Text(user, question))
		calls, err := fake.WaitCalls("sendMessage", before+1, stopBound)
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr.String())
		}
		for _, c := range calls[before:] {
			if c.Params["chat_id"] != "-100900" {
				return c.Params["text"]
			}
		}
		return ""
	}
	const question = "zzqx lam the"
	if got := ask(question); strings.Contains(got, "căn cước") {
		t.Fatalf("answered before the edit: %q", got)
	}
	file := filepath.Join(dir, "procedures/id-card/vi.md")
	data, _ := os.ReadFile(file)
	saved := time.Now()
	os.WriteFile(file, bytes.Replace(data, []byte("keywords:\n"), []byte("keywords:\n  - zzqx lam the\n"), 1), 0o644)
	for {
		if got := ask(question); strings.Contains(got, "căn cước") {
			t.Logf("an edit answered from %v after the save", time.Since(saved).Round(10*time.Millisecond))
			break
		}
		if time.Since(saved) > 30*time.Second {
			t.Fatalf("the edit was never served\n%s", stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	os.MkdirAll(filepath.Join(dir, "procedures/broken"), 0o755)
	os.WriteFile(filepath.Join(dir, "procedures/broken/vi.md"), []byte("---\ntitle: [unclosed\n---\nbody\n"), 0o644)
	calls, err := fake.WaitCalls("sendMessage", len(fake.Calls("sendMessage"))+1, stopBound)
	if err != nil {
		t.Fatal(err)
	}
	if last := calls[len(calls)-1]; last.Params["chat_id"] != "-100900" || !strings.Contains(last.Params["text"], "procedures/broken/vi.md") {
		t.Errorf("the editors were not told: %+v", last.Params)
	}
	if got := ask(question); !strings.Contains(got, "căn cước") {
		t.Errorf("after a refused edit the answers changed: %q", got)
	}
}
