package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"loa/bot"
	"loa/content"
	"loa/knowledge"
	"loa/llm/llmtest"
	"loa/locales"
	"loa/sqlite"
)

// runLoa runs one command line as the binary would, with piped input.
func runLoa(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestChatPiped(t *testing.T) {
	t.Setenv("LOA_CONTENT_DIR", "")
	code, out, errOut := runLoa(t, "lam giay khai sinh\n:quit\n", "chat")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if !strings.Contains(out, "Đăng ký khai sinh") {
		t.Errorf("no answer card:\n%s", out)
	}
	if strings.Contains(out, "> ") {
		t.Errorf("prompt printed for piped input:\n%s", out)
	}
}

func TestChatConversation(t *testing.T) {
	t.Setenv("LOA_CONTENT_DIR", "")
	in := "bao hiem\n1\ncan giay to gi\n:lang tay\nlam so do\n:lang xx\n:help\n:sources\nlam so do\n:menu\n:menu 7\n1\n"
	code, out, errOut := runLoa(t, in, "chat")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	// After ":lang tay" the interface and the card are Tày, with the notice
	// that the translation is unchecked.
	cat, err := locales.Load(locales.FS())
	if err != nil {
		t.Fatal(err)
	}
	tay := func(id string) string { return cat.Text("tay", id, map[string]any{"Name": knowledge.Tay.Name()}) }
	c, _ := knowledge.Load(content.FS())
	land := c.Procedure("land-certificate").Texts[knowledge.Tay]
	for _, want := range []string{"Chọn một số", "Giấy tờ cần mang", tay("lang.switched"), tay("notice.machine"), tay("lang.unknown"), tay("card.sources") + ":", "https://", tay("menu.intro"), tay("menu.category"), "== " + land.Title} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestChatLongLine(t *testing.T) {
	t.Setenv("LOA_CONTENT_DIR", "")
	code, out, _ := runLoa(t, strings.Repeat("a", maxChatLine+10)+"\nlam so do\n", "chat")
	if code != exitOK || !strings.Contains(out, "dài quá") || !strings.Contains(out, "sổ đỏ") {
		t.Errorf("a long line should get a polite answer and the chat go on: exit %d, output %.300s", code, out)
	}
}

func TestAskJSON(t *testing.T) {
	t.Setenv("LOA_CONTENT_DIR", "")
	code, out, errOut := runLoa(t, "", "ask", "lam so do", "--json")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	var got askOutput
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if !got.Confident || len(got.Results) == 0 || got.Results[0].ID != "land-certificate" || got.Answer == "" {
		t.Errorf("unexpected answer: %+v", got)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := [][]string{
		{},
		{"fly"},
		{"ask"},
		{"ask", "x", "--lang", "fr"},
		{"eval"},
		{"eval", "/no/such/file.jsonl"},
		{"content"},
		{"content", "export"},
		{"chat", "--nope"},
	}
	for _, args := range tests {
		if code, _, _ := runLoa(t, "", args...); code != exitUsage {
			t.Errorf("loa %v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestEval(t *testing.T) {
	t.Setenv("LOA_CONTENT_DIR", "")
	dir := t.TempDir()
	good := filepath.Join(dir, "good.jsonl")
	os.WriteFile(good, []byte(`{"question":"lam giay khai sinh cho con","expected":["birth-registration"]}
{"question":"thoi tiet sa pa","expected":[]}
`), 0o644)
	code, out, errOut := runLoa(t, "", "eval", good, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep map[string]float64
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"n", "in_scope", "recall_at_1", "recall_at_3", "mrr", "confident_correct", "confident_wrong", "oos_rejected"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("report lacks %q: %s", k, out)
		}
	}
	if rep["n"] != 2 || rep["recall_at_1"] != 1 || rep["oos_rejected"] != 1 {
		t.Errorf("report %v", rep)
	}
	code, out, _ = runLoa(t, "", "eval", good)
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != exitOK || !strings.HasPrefix(lines[len(lines)-1], "n=2 ") {
		t.Errorf("text report should end with the summary line:\n%s", out)
	}

	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{\"question\":\"a\"}\n{oops\n"), 0o644)
	code, _, errOut = runLoa(t, "", "eval", bad)
	if code != exitUsage || !strings.Contains(errOut, "line 2") {
		t.Errorf("malformed file: exit %d, stderr %s", code, errOut)
	}
}

func TestContentCheck(t *testing.T) {
	t.Setenv("LOA_CONTENT_DIR", "")
	code, out, _ := runLoa(t, "", "content", "check", "--strict")
	if code != exitOK {
		t.Fatalf("built-in content fails the strict check:\n%s", out)
	}
	for _, want := range []string{"birth-registration", "machine", "interface text", "0 error(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}

	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "procedures", "x"), 0o755)
	os.WriteFile(filepath.Join(dir, "procedures", "x", "vi.md"), []byte("---\ntitle: X\nfoo: 1\n---\n"), 0o644)
	code, out, _ = runLoa(t, "", "content", "check", "--content", dir)
	if code != exitFailure {
		t.Errorf("broken content: exit %d, want %d", code, exitFailure)
	}
	for _, want := range []string{"procedures/x/vi.md:3: error: unknown field \"foo\"", "categories.yaml: error: missing file"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	// The same folder through the environment variable.
	t.Setenv("LOA_CONTENT_DIR", dir)
	if code, _, errOut := runLoa(t, "", "ask", "khai sinh"); code != exitFailure || !strings.Contains(errOut, "content check") {
		t.Errorf("ask on broken content: exit %d, stderr %s", code, errOut)
	}
}

func TestContentExport(t *testing.T) {
	t.Setenv("LOA_CONTENT_DIR", "")
	code, out, errOut := runLoa(t, "", "content", "export", "--jsonl")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 32 {
		t.Fatalf("want a line per procedure and language, got %d", len(lines))
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "lang", "title", "keywords", "summary", "text", "status"} {
		if _, ok := rec[k]; !ok {
			t.Errorf("record lacks %q", k)
		}
	}
	if strings.Contains(out, "[1]") {
		t.Error("export shows source markers in citizen text")
	}
}

// A personal number in a question never comes back, not even in --json.
func TestAskJSONRedacts(t *testing.T) {
	t.Setenv("LOA_CONTENT_DIR", "")
	code, out, errOut := runLoa(t, "", "ask", "--json", "so cccd 001203004567 bi sai ten, sdt 0912.345.678")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	for _, secret := range []string{"001203004567", "0912", "345.678"} {
		if strings.Contains(out, secret) {
			t.Errorf("output echoes %q:\n%s", secret, out)
		}
	}
}

// After ":menu", typing a category's number opens it, and then a number
// opens that category's procedure.
func TestChatMenuNumbers(t *testing.T) {
	t.Setenv("LOA_CONTENT_DIR", "")
	c, _ := knowledge.Load(content.FS())
	first := c.Categories[0]
	var proc *knowledge.Procedure
	for _, p := range c.Procedures {
		if p.Category == first.ID {
			proc = p
			break
		}
	}
	code, out, errOut := runLoa(t, ":menu\n1\n1\n", "chat")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	for _, want := range []string{first.TitleIn(knowledge.Vietnamese) + " — ", "== " + proc.Texts[knowledge.Vietnamese].Title} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// --llm drafts with the model server in the environment, and says what is
// missing when there is none.
func TestAskWithLLM(t *testing.T) {
	t.Setenv("LOA_CONTENT_DIR", "")
	t.Setenv("LOA_LLM_BASE_URL", "")
	if code, _, errOut := runLoa(t, "", "ask", "--llm", "lam giay khai sinh"); code != exitUsage || !strings.Contains(errOut, "LOA_LLM_BASE_URL") {
		t.Errorf("--llm without a server: exit %d, %s", code, errOut)
	}
	fake := llmtest.New(t, func(llmtest.Request) string {
		return "Bạn vẫn đăng ký khai sinh được khi không có giấy chứng sinh. Lệ phí là 99.000 đồng."
	})
	t.Setenv("LOA_LLM_BASE_URL", fake.URL)
	t.Setenv("LOA_LLM_MODEL", "fake-model")
	code, out, errOut := runLoa(t, "", "ask", "--llm", "đăng ký khai sinh cho con sinh ở nhà không có giấy chứng sinh, người làm chứng phải là ai")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "vẫn đăng ký khai sinh được") || strings.Contains(out, "99.000") || !strings.Contains(out, "== ") {
		t.Errorf("want the card, then the checked draft without the invented fee:\n%s", out)
	}
}

func TestDoctor(t *testing.T) {
	t.Setenv("LOA_CONTENT_DIR", "")
	t.Setenv("TELEGRAM_BOT_TOKEN", "")
	t.Setenv("LOA_DB", "")
	t.Setenv("LOA_LLM_BASE_URL", "")
	t.Setenv("LOA_STT_BASE_URL", "")
	if code, out, errOut := runLoa(t, "", "doctor"); code != exitOK || !strings.Contains(out, "not configured") || !strings.Contains(out, "32 procedures") {
		t.Errorf("nothing configured: exit %d\n%s%s", code, out, errOut)
	}
	fake := llmtest.New(t, func(llmtest.Request) string { return "Chào" })
	t.Setenv("LOA_LLM_BASE_URL", fake.URL)
	t.Setenv("LOA_LLM_MODEL", "fake-model")
	t.Setenv("LOA_LLM_API_KEY", "sk-secret-key")
	if code, out, _ := runLoa(t, "", "doctor"); code != exitOK || !strings.Contains(out, "ok   LLM") {
		t.Errorf("a working LLM: exit %d\n%s", code, out)
	}
	fake.Fail(llmtest.Fault{Status: 404, Body: `{"error":"model \"fake-model\" not found, try pulling it first"}`})
	code, out, _ := runLoa(t, "", "doctor")
	if code != exitFailure || !strings.Contains(out, "FAIL LLM") || !strings.Contains(out, "not found") || strings.Contains(out, "sk-secret") {
		t.Errorf("a missing model: exit %d\n%s", code, out)
	}
	t.Setenv("LOA_LLM_MODEL", "other-model")
	if code, out, _ := runLoa(t, "", "doctor"); code != exitFailure || !strings.Contains(out, `no model "other-model"`) {
		t.Errorf("a model the server lacks: exit %d\n%s", code, out)
	}
	t.Setenv("LOA_LLM_BASE_URL", "")
	t.Setenv("LOA_STT_BASE_URL", fake.URL)
	t.Setenv("LOA_STT_API_KEY", "sk-stt-secret")
	if code, out, _ := runLoa(t, "", "doctor"); code != exitOK || !strings.Contains(out, "ok   speech recognition") {
		t.Errorf("a working speech server: exit %d\n%s", code, out)
	}
	fake.FailAudio(llmtest.AudioFault{Status: 500, Body: `{"error":"sk-stt-secret is wrong"}`})
	if code, out, _ := runLoa(t, "", "doctor"); code != exitFailure || !strings.Contains(out, "FAIL speech recognition") || strings.Contains(out, "sk-stt-secret") {
		t.Errorf("a failing speech server: exit %d\n%s", code, out)
	}
}

func TestDeskCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "loa.db")
	store, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	id, err := store.AddDeskItem(context.Background(), bot.DeskItem{From: bot.Address{Channel: "telegram", User: "9", Chat: "9"}, Lang: "hmn", Question: "ua li cas thiaj tau ntawv yug menyuam", State: bot.DeskOpen, Created: time.Now()})
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runLoa(t, "", "desk", "--db", db, "list"); code != exitOK || !strings.Contains(out, "ua li cas") || !strings.Contains(out, "open") {
		t.Errorf("list: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := runLoa(t, "", "desk", "--db", db, "close", fmt.Sprint(id)); code != exitOK || !strings.Contains(out, "closed") {
		t.Errorf("close: exit %d\n%s", code, out)
	}
	if code, out, _ := runLoa(t, "", "desk", "--db", db, "list"); code != exitOK || strings.Contains(out, "ua li cas") {
		t.Errorf("a closed item is still listed:\n%s", out)
	}
	if code, _, errOut := runLoa(t, "", "desk", "--db", db, "show", "x"); code != exitUsage || !strings.Contains(errOut, "not an item id") {
		t.Errorf("show x: exit %d %s", code, errOut)
	}
}
