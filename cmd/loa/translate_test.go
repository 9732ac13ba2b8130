package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"loa/llm/llmtest"
)

// copyContent copies the shipped content into a folder the test may write.
func copyContent(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk("../../content", func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("../../content", path)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755)
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestDraftTranslation(t *testing.T) {
	dir := copyContent(t)
	hmn, err := os.ReadFile(filepath.Join(dir, "procedures/birth-registration/hmn.md"))
	if err != nil {
		t.Fatal(err)
	}
	reply := string(hmn)
	fake := llmtest.New(t, func(llmtest.Request) string { return reply })
	t.Setenv("LOA_LLM_BASE_URL", fake.URL)
	t.Setenv("LOA_LLM_MODEL", "fake-model")
	os.Remove(filepath.Join(dir, "procedures/birth-registration/hmn.md"))

	code, out, errOut := runLoa(t, "", "content", "draft-translation", "--content", dir, "--lang", "hmn", "--id", "birth-registration")
	if code != exitOK || !strings.Contains(out, "written") {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	written, _ := os.ReadFile(filepath.Join(dir, "procedures/birth-registration/hmn.md"))
	if !strings.Contains(string(written), "status: machine") || strings.Count(string(written), "source_digest:") != 1 {
		t.Errorf("written file:\n%.400s", written)
	}
	if code, out, _ := runLoa(t, "", "content", "check", "--content", dir, "--strict"); code != exitOK {
		t.Errorf("the written translation fails the check:\n%s", out)
	}

	// A translation whose figures differ from the Vietnamese is refused.
	os.Remove(filepath.Join(dir, "procedures/birth-registration/hmn.md"))
	reply = strings.ReplaceAll(string(hmn), "60", "90")
	code, out, _ = runLoa(t, "", "content", "draft-translation", "--content", dir, "--lang", "hmn", "--id", "birth-registration")
	if code != exitFailure || !strings.Contains(out, "rejected") {
		t.Errorf("a changed figure: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "procedures/birth-registration/hmn.md")); err == nil {
		t.Error("a rejected translation was written")
	}

	// A person's text is never replaced.
	draft := strings.Replace(string(hmn), "status: machine", "status: draft", 1)
	os.WriteFile(filepath.Join(dir, "procedures/birth-registration/hmn.md"), []byte(draft), 0o644)
	code, out, _ = runLoa(t, "", "content", "draft-translation", "--content", dir, "--lang", "hmn", "--id", "birth-registration")
	if data, _ := os.ReadFile(filepath.Join(dir, "procedures/birth-registration/hmn.md")); string(data) != draft || !strings.Contains(out, "kept") {
		t.Errorf("a draft text was touched (exit %d):\n%s", code, out)
	}
}
