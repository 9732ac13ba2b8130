package knowledge

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

// TestGuessLang measures the guess on a labelled set: when it answers it
// must be right (precision), and it must answer most clear cases (recall).
// An empty label means the text is too short or mixed to tell.
func TestGuessLang(t *testing.T) {
	f, err := os.Open("testdata/langid.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var answered, right, clear, wrongAbstain int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c struct{ Text, Lang string }
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		got := GuessLang(c.Text)
		if c.Lang != "" {
			clear++
		}
		switch {
		case got == "" && c.Lang == "":
		case got == "":
			wrongAbstain++
		case string(got) == c.Lang:
			answered++
			right++
		default:
			answered++
			t.Errorf("GuessLang(%q) = %q, want %q", c.Text, got, c.Lang)
		}
	}
	precision, recall := float64(right)/float64(max(1, answered)), float64(right)/float64(max(1, clear))
	t.Logf("precision %.3f (%d/%d), recall %.3f (%d/%d clear texts)", precision, right, answered, recall, right, clear)
	if precision < 0.95 || recall < 0.8 {
		t.Errorf("precision %.3f (want >= 0.95), recall %.3f (want >= 0.8)", precision, recall)
	}
}
