package knowledge

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"loa/content"
)

// testAlarms is a small alarms.yaml that shows each rule once.
const testAlarms = `threshold: 2
groups:
  - name: fire
    intent: emergency
    weight: 2
    words: {vi: [~cháy, khói đen]}
    near: {vi: [nương]}
  - name: wish
    weight: 1
    words: {vi: [muốn]}
  - name: means
    intent: self_harm
    weight: 2
    with: wish
    words: {vi: [lá ngón]}
  - name: help
    weight: 1
    words: {vi: [cứu]}
  - name: past
    weight: -2
    words: {vi: [năm ngoái]}
not:
  vi: [cháy hàng]
`

func loadTestAlarms(t *testing.T, yaml string) (Alarms, Problems) {
	t.Helper()
	var problems Problems
	a := loadAlarms(fstest.MapFS{"alarms.yaml": {Data: []byte(yaml)}}, &problems)
	return a, problems
}

func TestAlarmsWeigh(t *testing.T) {
	a, problems := loadTestAlarms(t, testAlarms)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	tests := []struct {
		text string
		want []Intent
	}{
		{"khói đen", []Intent{Emergency}},                        // a sure danger alone
		{"cháy", []Intent{Emergency}},                            // typed with diacritics: sure
		{"chay", nil},                                            // chạy or cháy: in doubt
		{"chay o nuong", []Intent{Emergency}},                    // a near word settles it
		{"chay cuu", nil},                                        // in doubt: needs two signs more
		{"chay cuu cuu voi", nil},                                // a group counts once (two of the same word)
		{"khói đen năm ngoái", nil},                              // the past weighs against
		{"lá ngón", nil},                                         // means count only with a wish
		{"em muốn ăn lá ngón", []Intent{SelfHarm}},               // with a wish
		{"cháy hàng rồi", nil},                                   // an idiom is taken out
		{"cháy hàng, nhà cháy", []Intent{Emergency}},             // but only its own words
		{"muốn lá ngón khói đen", []Intent{SelfHarm, Emergency}}, // most specific first
	}
	for _, tt := range tests {
		got := a.Weigh(tt.text)
		if !slices.Equal(got.Intents, tt.want) {
			t.Errorf("%q: %v (score %d, %v), want %v", tt.text, got.Intents, got.Score, got.Signs, tt.want)
		}
	}
}

func TestAlarmsProblems(t *testing.T) {
	tests := map[string]string{
		"threshold: 0\ngroups: []\n":                                                                      "threshold must be 1 or more",
		"threshold: 2\ngroups:\n  - {name: a, weight: 1, words: {vi: [x]}}\n":                             "no danger groups",
		"threshold: 2\ngroups:\n  - {name: a, intent: greeting, weight: 2, words: {vi: [x]}}\n":           "not an emergency",
		"threshold: 2\ngroups:\n  - {name: a, intent: emergency, weight: 2, with: b, words: {vi: [x]}}\n": `with "b" names no group`,
		"threshold: 2\ngroups:\n  - {name: a, intent: emergency, weight: 2, words: {xx: [x]}}\n":          "group a",
		"threshold: 2\ngroups:\n  - {name: a, intent: emergency, weight: 0, words: {vi: [x]}}\n":          "must weigh 1 or more",
	}
	for yaml, want := range tests {
		_, problems := loadTestAlarms(t, yaml)
		if !strings.Contains(fmt.Sprint(problems), want) {
			t.Errorf("%q: problems %v, want %q", yaml, problems, want)
		}
	}
	var problems Problems
	loadAlarms(fstest.MapFS{}, &problems)
	if problems.Err() != nil || len(problems) != 1 {
		t.Errorf("missing alarms.yaml: %v, want one warning", problems)
	}
}

func BenchmarkAlarmsWeigh(b *testing.B) {
	c, _ := Load(content.FS())
	msg := "chau oi ba hoi cai, ong nha ba tu sang nam im khong day duoc, goi mai khong thay tra loi, lam sao bay gio"
	for b.Loop() {
		c.Alarms.Weigh(msg)
	}
}
