package bot

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"loa/knowledge"
)

func TestEmergencyFirst(t *testing.T) {
	c, _, r := newCore(t)
	for _, msg := range []string{
		"nhà tôi bị cháy rồi",
		"nha toi bi chay roi",
		"CỨU VỚI CHÁY NHÀ",
		"co trom vao nha",
		"thằng bé ngã xuống suối",
		"con toi bi lac o cho",
		"đâm xe ở dốc, có người chảy máu",
		"bi ran can",
	} {
		for _, lang := range knowledge.Langs() {
			s := &Session{Lang: lang}
			kinds, text := turn(t, c, r, s, msg)
			if len(kinds) == 0 || kinds[0] != KindEmergency || !strings.Contains(text, "113") || !strings.Contains(text, "114") || !strings.Contains(text, "115") {
				t.Errorf("%s %q: emergency numbers not first:\n%s", lang, msg, text)
			}
		}
	}
}

func TestNotEmergency(t *testing.T) {
	c, _, r := newCore(t)
	for _, msg := range []string{"lam giay khai sinh cho con", "nghiên cứu thủ tục đất đai", "con tôi bị mất giấy khai sinh", "đăng ký tạm trú"} {
		if _, text := turn(t, c, r, &Session{}, msg); strings.Contains(text, "113") {
			t.Errorf("%q flagged as an emergency:\n%s", msg, text)
		}
	}
}

func TestSmallTalk(t *testing.T) {
	c, _, r := newCore(t)
	tests := map[string]string{
		"xin chào":     "Xin chào",
		"chao loa":     "Xin chào",
		"cảm ơn nhé":   "Không có gì",
		"bạn là ai?":   "trợ lý tự động",
		"đồ ngu":       "xin lỗi",
		"NGU QUÁ":      "xin lỗi",
		"cam on nhieu": "Không có gì",
	}
	for msg, want := range tests {
		kinds, text := turn(t, c, r, &Session{}, msg)
		if !strings.Contains(text, want) || kinds[0] == KindCard {
			t.Errorf("%q: got %v\n%s\nwant %q", msg, kinds, text, want)
		}
	}
	// A greeting with a real question gets the answer.
	if kinds, _ := turn(t, c, r, &Session{}, "chào bạn, làm sổ đỏ lần đầu thế nào"); kinds[len(kinds)-1] != KindCard {
		t.Errorf("greeting plus question: got %v, want the card", kinds)
	}
	// "ngủ" (sleep) typed with accents is not the insult "ngu".
	if _, text := turn(t, c, r, &Session{}, "ngủ"); strings.Contains(text, "xin lỗi") {
		t.Error("ngủ taken as an insult")
	}
}

func TestPersonalNumbersNeverEchoed(t *testing.T) {
	c, _, r := newCore(t)
	for _, msg := range []string{
		"số căn cước của tôi 001203004567 bị sai tên",
		"sdt 0912 345 678 muốn đổi số trên vneid",
		"stk 19036543210011 nhận trợ cấp",
	} {
		kinds, text := turn(t, c, r, &Session{}, msg)
		for _, secret := range []string{"001203004567", "345 678", "0912", "19036543210011"} {
			if strings.Contains(text, secret) {
				t.Errorf("%q: reply repeats %q:\n%s", msg, secret, text)
			}
		}
		if !strings.Contains(text, "đừng gửi số") {
			t.Errorf("%q: no warning about personal numbers (%v):\n%s", msg, kinds, text)
		}
	}
}

func TestUnsupportedInput(t *testing.T) {
	c, _, r := newCore(t)
	tests := []struct {
		in   Input
		want string
	}{
		{Input{Kind: InputVoice}, "tin nhắn thoại"},
		{Input{Kind: InputMedia}, "chỉ đọc được chữ"},
		{Input{Text: "我想办理出生登记"}, "chưa đọc được chữ này"},
		{Input{Text: "Хочу зарегистрировать рождение"}, "chưa đọc được chữ này"},
	}
	for _, tt := range tests {
		replies, err := c.Turn(t.Context(), &Session{}, tt.in)
		if err != nil || len(replies) != 1 || !strings.Contains(r.Render(replies[0]), tt.want) {
			t.Errorf("%+v: %v %v", tt.in, replies, err)
		}
	}
}

// emergencyCases are realistic messages per language, written for the
// emergency detector: every example must get the numbers first, and no
// non-example may.
type emergencyCases struct {
	Examples    []string `json:"examples"`
	NonExamples []string `json:"non_examples"`
}

func TestEmergencyEveryLanguage(t *testing.T) {
	data, err := os.ReadFile("testdata/emergency.json")
	if err != nil {
		t.Fatal(err)
	}
	var sets map[string]json.RawMessage
	if err := json.Unmarshal(data, &sets); err != nil {
		t.Fatal(err)
	}
	c, _, r := newCore(t)
	for _, lang := range knowledge.Langs() {
		var cases emergencyCases
		if err := json.Unmarshal(sets[string(lang)], &cases); err != nil || len(cases.Examples) < 5 {
			t.Fatalf("%s: %v (%d examples)", lang, err, len(cases.Examples))
		}
		for _, msg := range cases.Examples {
			kinds, text := turn(t, c, r, &Session{Lang: lang}, msg)
			if kinds[0] != KindEmergency || !strings.Contains(text, "113") || !strings.Contains(text, "115") {
				t.Errorf("%s %q: no emergency numbers first:\n%.200s", lang, msg, text)
			}
		}
		for _, msg := range cases.NonExamples {
			if _, text := turn(t, c, r, &Session{Lang: lang}, msg); strings.Contains(text, "113") {
				t.Errorf("%s %q: flagged as an emergency", lang, msg)
			}
		}
	}
}

func TestOfferLanguageOnce(t *testing.T) {
	c, _, r := newCore(t)
	s := &Session{} // Vietnamese by default
	kinds, text := turn(t, c, r, s, "Kuv xav ua ntawv yug rau kuv tus menyuam")
	if kinds[len(kinds)-1] != KindOffer || !strings.Contains(text, "Lus Hmoob") {
		t.Fatalf("no offer to switch to H'Mông: %v\n%s", kinds, text)
	}
	if kinds, _ := turn(t, c, r, s, "kuv daim ntawv căn cước ploj lawm"); kinds[len(kinds)-1] == KindOffer {
		t.Error("offered a second time")
	}
	// A H'Mông user typing Vietnamese is understood, and answered in H'Mông,
	// with one offer to switch.
	h := &Session{Lang: knowledge.Hmong}
	kinds, _ = turn(t, c, r, h, "lam so do lan dau")
	if kinds[len(kinds)-2] != KindCard || kinds[len(kinds)-1] != KindOffer {
		t.Errorf("want the card, then the offer: %v", kinds)
	}
	if _, text := turn(t, c, r, &Session{}, "làm giấy khai sinh cho con"); strings.Contains(text, ":lang") {
		t.Error("offered a switch to the language already chosen")
	}
}

// An emergency in a message too long to answer still gets the numbers.
func TestEmergencyInLongMessage(t *testing.T) {
	c, _, r := newCore(t)
	msg := "cứu với nhà tôi bị cháy " + strings.Repeat("xin giúp ", 200)
	kinds, text := turn(t, c, r, &Session{}, msg)
	if kinds[0] != KindEmergency || !strings.Contains(text, "113") || !strings.Contains(text, "dài quá") {
		t.Errorf("long emergency: %v\n%s", kinds, text)
	}
}

// TestMixedMessages runs 100 mixed messages as one conversation and logs
// what Loa did with them (go test -v -run TestMixedMessages ./bot): the
// outcome counts of the safety issue's closing note.
func TestMixedMessages(t *testing.T) {
	data, err := os.ReadFile("testdata/mixed.txt")
	if err != nil {
		t.Fatal(err)
	}
	c, _, r := newCore(t)
	s := &Session{}
	counts := map[string]int{}
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		n++
		replies, err := c.Turn(t.Context(), s, Input{Text: line})
		if err != nil || len(replies) == 0 {
			t.Fatalf("%q: %v, %d replies", line, err, len(replies))
		}
		outcome := Outcome(replies)
		counts[outcome]++
		first := strings.SplitN(r.Render(replies[len(replies)-1]), "\n", 2)[0]
		t.Logf("%-10s %-60q → %.70s", outcome, line, first)
	}
	t.Logf("%d messages: %v", n, counts)
	if n != 100 {
		t.Errorf("%d messages in testdata/mixed.txt, want 100", n)
	}
}

// evalLang is one language of an emergency evaluation set
// (bot/testdata/emergency-eval.json, emergency-heldout.json): realistic
// messages written without sight of the detector's phrases.
type evalLang struct {
	Emergencies []struct {
		Text string `json:"text"`
		Kind string `json:"kind"`
	} `json:"emergencies"`
	Lookalikes []string `json:"lookalikes"`
}

// loadEmergencySets reads an emergency evaluation set, per language.
func loadEmergencySets(t *testing.T, path string) map[knowledge.Lang]evalLang {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	sets := map[knowledge.Lang]evalLang{}
	for _, lang := range knowledge.Langs() {
		var set evalLang
		if err := json.Unmarshal(raw[string(lang)], &set); err != nil {
			t.Fatalf("%s %s: %v", path, lang, err)
		}
		sets[lang] = set
	}
	return sets
}

// TestEmergencyEval measures the detector on the first set (a dev set
// since the phrases were tuned on it): every
// emergency must get the numbers first, and never a procedure card alone
// (go test -v -run TestEmergencyEval ./bot prints the rates). Self-harm and
// violence must also get their own lines.
func TestEmergencyEval(t *testing.T) {
	sets := loadEmergencySets(t, "testdata/emergency-eval.json")
	c, _, r := newCore(t)
	targets := map[knowledge.Lang]struct {
		min        int
		detect     float64
		falseAlarm float64
	}{
		knowledge.Vietnamese: {100, 0.95, 0.10},
		knowledge.Hmong:      {20, 0.95, 0.25},
		knowledge.Dao:        {20, 0.95, 0.25},
		knowledge.Tay:        {20, 0.95, 0.25},
		knowledge.Giay:       {20, 0.95, 0.25},
	}
	for _, lang := range knowledge.Langs() {
		set := sets[lang]
		want := targets[lang]
		if len(set.Emergencies) < want.min {
			t.Errorf("%s: %d emergencies in the set, want %d or more", lang, len(set.Emergencies), want.min)
		}
		detected, specific, needSpecific, alarms := 0, 0, 0, 0
		for _, e := range set.Emergencies {
			replies, err := c.Turn(t.Context(), &Session{Lang: lang}, Input{Text: e.Text})
			if err != nil {
				t.Fatal(err)
			}
			if replies[0].Kind == KindEmergency {
				detected++
			} else {
				t.Logf("%s missed (%s): %q → %.60s", lang, e.Kind, e.Text, r.Render(replies[len(replies)-1]))
			}
			if e.Kind == "self_harm" || e.Kind == "violence" {
				needSpecific++
				for _, rep := range replies {
					if rep.Message == "emergency."+e.Kind {
						specific++
						break
					}
				}
			}
		}
		for _, msg := range set.Lookalikes {
			replies, _ := c.Turn(t.Context(), &Session{Lang: lang}, Input{Text: msg})
			if replies[0].Kind == KindEmergency {
				alarms++
				t.Logf("%s false alarm: %q", lang, msg)
			}
		}
		rate := float64(detected) / float64(len(set.Emergencies))
		falseRate := float64(alarms) / float64(max(1, len(set.Lookalikes)))
		t.Logf("%s: detected %d/%d (%.3f); own lines for self-harm and violence %d/%d; false alarms %d/%d (%.3f)",
			lang, detected, len(set.Emergencies), rate, specific, needSpecific, alarms, len(set.Lookalikes), falseRate)
		if rate < want.detect {
			t.Errorf("%s: detection %.3f, target %.2f", lang, rate, want.detect)
		}
		if falseRate > want.falseAlarm {
			t.Errorf("%s: false alarms %.3f, at most %.2f", lang, falseRate, want.falseAlarm)
		}
	}
}

// TestEmergencyHeldout measures the detector on the second set. It was
// written without sight of the phrases, measured (60/100 Vietnamese), and
// then looked at while the alarm signs were written, so it is a dev set
// now (go test -v -run TestEmergencyHeldout ./bot prints the rates).
func TestEmergencyHeldout(t *testing.T) {
	measureEmergencies(t, "testdata/emergency-heldout.json", map[knowledge.Lang]float64{
		knowledge.Vietnamese: 0.95, knowledge.Hmong: 0.90, knowledge.Dao: 0.90, knowledge.Tay: 0.90, knowledge.Giay: 0.90,
	})
}

// TestEmergencyThird measures the detector on the third set, written by a
// helper who saw neither the detector nor the other sets, after the alarm
// signs were written; nobody tunes on it (go test -v -run
// TestEmergencyThird ./bot prints the rates). The floors are its first
// run less a margin, to catch a regression.
func TestEmergencyThird(t *testing.T) {
	// First run, 2 Dec 2026: vi 104/120, hmn 23/25, dao 18/25, tay 23/25,
	// giay 20/25 (the phrases alone: 72, 19, 17, 14, 12).
	measureEmergencies(t, "testdata/emergency-third.json", map[knowledge.Lang]float64{
		knowledge.Vietnamese: 0.82, knowledge.Hmong: 0.85, knowledge.Dao: 0.65, knowledge.Tay: 0.85, knowledge.Giay: 0.75,
	})
}

// measureEmergencies runs a set through the core: an emergency is detected
// when the numbers come first; a look-alike that gets them is a false
// alarm. It fails when detection falls below a language's floor.
func measureEmergencies(t *testing.T, path string, floors map[knowledge.Lang]float64) {
	sets := loadEmergencySets(t, path)
	c, _, _ := newCore(t)
	for _, lang := range knowledge.Langs() {
		set := sets[lang]
		detected, alarms, cardsAlone := 0, 0, 0
		for _, e := range set.Emergencies {
			replies, _ := c.Turn(t.Context(), &Session{Lang: lang}, Input{Text: e.Text})
			if replies[0].Kind == KindEmergency {
				detected++
				continue
			}
			if replies[len(replies)-1].Kind == KindCard {
				cardsAlone++
			}
			t.Logf("%s missed (%s): %q", lang, e.Kind, e.Text)
		}
		for _, msg := range set.Lookalikes {
			if replies, _ := c.Turn(t.Context(), &Session{Lang: lang}, Input{Text: msg}); replies[0].Kind == KindEmergency {
				alarms++
				t.Logf("%s false alarm: %q", lang, msg)
			}
		}
		rate := float64(detected) / float64(len(set.Emergencies))
		t.Logf("%s: detected %d/%d (%.3f); a card alone for %d missed; false alarms %d/%d", lang, detected, len(set.Emergencies), rate, cardsAlone, alarms, len(set.Lookalikes))
		if rate < floors[lang] {
			t.Errorf("%s: detection %.3f fell below its floor %.2f", lang, rate, floors[lang])
		}
	}
}

// TestAlarmsOnQuestions counts the procedure questions of the search
// evaluation sets (knowledge/testdata) that sound an alarm: a wrong alarm
// costs the citizen a line, and the card must still follow it.
func TestAlarmsOnQuestions(t *testing.T) {
	files, err := filepath.Glob("../knowledge/testdata/*-*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no evaluation sets: %v", err)
	}
	c, _, _ := newCore(t)
	questions, alarms, swallowed := 0, 0, 0
	for _, file := range files {
		if strings.Contains(file, "langid") {
			continue // holds emergencies on purpose
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var q struct {
				Question string   `json:"question"`
				Lang     string   `json:"lang"`
				Expected []string `json:"expected"`
			}
			if err := json.Unmarshal([]byte(line), &q); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			lang, _ := knowledge.ParseLang(q.Lang)
			replies, err := c.Turn(t.Context(), &Session{Lang: lang}, Input{Text: q.Question})
			if err != nil {
				t.Fatal(err)
			}
			questions++
			if replies[0].Kind != KindEmergency {
				continue
			}
			alarms++
			if last := replies[len(replies)-1]; len(q.Expected) > 0 && last.Kind == KindEmergency {
				swallowed++
				t.Logf("alarm without an answer: %q", q.Question)
			} else {
				t.Logf("alarm: %q", q.Question)
			}
		}
	}
	rate := float64(alarms) / float64(questions)
	t.Logf("%d procedure questions: %d alarms (%.3f), %d of them with nothing after the numbers", questions, alarms, rate, swallowed)
	if rate > 0.03 {
		t.Errorf("alarms on %.3f of procedure questions, at most 0.03", rate)
	}
	if swallowed > alarms/2 {
		t.Errorf("%d of %d alarms on procedure questions left no answer", swallowed, alarms)
	}
}
