package knowledge

import (
	"io/fs"
	"slices"
	"strings"
)

// Alarms weighs the signs of danger in a message. The phrases of the
// emergency intents catch what people have been heard to write; alarms
// catch the wordings nobody wrote down yet, by adding up what an emergency
// message is made of: a danger (fire, blood, a fall, a beating, a wish to
// die), and what makes it happen now (a cry for help, "đang", "nặng lắm"),
// less what makes it a question about the past or about papers. Editors
// keep the words in alarms.yaml.
type Alarms struct {
	threshold int
	groups    []alarmGroup
	not       []phrase // words that look like a danger but are not ("đánh giá")
}

// alarmGroup is a set of words that count once, whichever of them a
// message holds.
type alarmGroup struct {
	name    string
	intent  Intent // the emergency a danger stands for; "" for other signs
	weight  int
	with    string // a group that must be found too for this one to count
	entries []alarmEntry
	near    []phrase // words that settle a doubtful word: "nhà" makes "chay" cháy
}

// alarmEntry is one word or phrase of a group. A loose entry, typed
// without diacritics, may be another word ("chay" is cháy, burning, but
// also chạy, running), so it then weighs one less.
type alarmEntry struct {
	text   string
	phrase phrase
	loose  bool
}

// Alarm is what a message's signs add up to.
type Alarm struct {
	Score   int
	Intents []Intent // the emergencies its dangers stand for, in EmergencyNames order
	Signs   []string // the groups found, with their words: "fire(khói,cháy)"
}

// Weigh adds up the signs in text. A group counts its weight once, one
// more (further from zero) when it shows two of its words ("nằm im",
// "không dậy"), and one less when found only in doubtful words.
func (a Alarms) Weigh(text string) Alarm {
	msg := newMessage(text).without(a.not)
	type seen struct {
		found  int  // sure words
		sure   bool // some word is sure, or settled
		words  []string
		starts []int // where its words stand
	}
	matched := make(map[string]seen, len(a.groups))
	for _, g := range a.groups {
		var s seen
		for _, e := range g.entries {
			start, end, ok := msg.match(e.phrase, 0)
			if !ok {
				continue
			}
			sure := !e.loose || accentedSpan(msg, start, end)
			if sure && !slices.Contains(s.starts, start) {
				s.found++ // doubtful words never make a second one
			}
			s.words = append(s.words, e.text)
			s.sure = s.sure || sure
			if !slices.Contains(s.starts, start) {
				s.starts = append(s.starts, start)
			}
		}
		if len(s.starts) > 1 {
			s.sure = true // two doubtful words of one group settle each other ("chay", "lua")
		}
		if len(s.words) > 0 && !s.sure {
			for _, p := range g.near {
				if start, _, ok := msg.match(p, 0); ok && !slices.Contains(s.starts, start) {
					s.sure = true
					break
				}
			}
		}
		if len(s.words) > 0 {
			matched[g.name] = s
		}
	}
	var out Alarm
	var dangers []Intent
	sureDanger, doubtful := false, false
	var maybe []Intent // dangers seen only in doubtful words
	for _, g := range a.groups {
		s, ok := matched[g.name]
		if _, with := matched[g.with]; !ok || (g.with != "" && !with) {
			continue
		}
		found, sure := s.found, s.sure
		w := g.weight
		switch {
		case found > 1 && w > 0:
			w++
		case found > 1:
			w--
		}
		switch {
		case sure:
		case w > 0:
			w--
		default:
			w++
		}
		if w == 0 {
			continue
		}
		if g.intent != "" && !sure {
			// Doubtful dangers weigh 1 together: "da bong voi thai lan"
			// (football with Thailand) is not bỏng, thai and đá at once.
			if !doubtful {
				out.Score++
			}
			doubtful = true
			maybe = append(maybe, g.intent)
			out.Signs = append(out.Signs, g.name+"?("+strings.Join(s.words, ",")+")")
			continue
		}
		out.Score += w
		out.Signs = append(out.Signs, g.name+"("+strings.Join(s.words, ",")+")")
		if g.intent != "" && w > 1 {
			dangers = append(dangers, g.intent)
			sureDanger = true
		}
	}
	// A danger seen only in doubtful words needs one sign more.
	if out.Score < a.threshold || !sureDanger && out.Score < a.threshold+1 {
		return out
	}
	if !sureDanger {
		dangers = maybe
	}
	for _, name := range EmergencyNames() {
		if slices.Contains(dangers, name) {
			out.Intents = append(out.Intents, name)
		}
	}
	return out
}

// Plain returns text without the words that only look like a danger
// ("chán muốn chết" is bored, "đánh giá" is assessing), for the phrases of
// intents.yaml to be matched on.
func (a Alarms) Plain(text string) string {
	return strings.Join(newMessage(text).without(a.not).exact, " ")
}

// accentedSpan reports whether any word in msg[start:end] was typed with
// diacritics: then a loose entry matched exactly and is no longer doubtful.
func accentedSpan(msg wordSeq, start, end int) bool {
	return slices.Contains(msg.accented[start:end], true)
}

// alarmsFile holds the words the alarms weigh.
const alarmsFile = "alarms.yaml"

type alarmsYAML struct {
	Threshold int `yaml:"threshold"`
	Groups    []struct {
		Name   string              `yaml:"name"`
		Intent string              `yaml:"intent"`
		Weight int                 `yaml:"weight"`
		With   string              `yaml:"with"`
		Words  map[string][]string `yaml:"words"`
		Near   map[string][]string `yaml:"near"`
	} `yaml:"groups"`
	Not map[string][]string `yaml:"not"`
}

func loadAlarms(fsys fs.FS, problems *Problems) Alarms {
	pl := problemList{all: problems, file: alarmsFile}
	if _, err := fs.Stat(fsys, alarmsFile); err != nil {
		// Content without it still works: only the emergency phrases then
		// sound an alarm, which content check --strict refuses.
		pl.warnf(0, "missing file: only the emergency phrases of intents.yaml will be recognized (%s)", describeFSError(err))
		return Alarms{}
	}
	var raw alarmsYAML
	if !decodeYAMLFile(fsys, alarmsFile, &raw, problems) {
		return Alarms{}
	}
	if raw.Threshold < 1 {
		pl.errorf(0, "threshold must be 1 or more, got %d", raw.Threshold)
		return Alarms{}
	}
	out := Alarms{threshold: raw.Threshold}
	seen := map[string]bool{}
	dangers := 0
	for i, g := range raw.Groups {
		if g.Name == "" || seen[g.Name] {
			pl.errorf(0, "group %d: every group needs a name of its own (got %q)", i+1, g.Name)
			continue
		}
		seen[g.Name] = true
		group := alarmGroup{name: g.Name, intent: Intent(g.Intent), weight: g.Weight, with: g.With}
		if group.intent != "" {
			if !group.intent.IsEmergency() {
				pl.errorf(0, "group %s: intent %q is not an emergency (emergency, self_harm, violence)", g.Name, g.Intent)
				continue
			}
			if g.Weight < 1 {
				pl.errorf(0, "group %s: a danger must weigh 1 or more, got %d", g.Name, g.Weight)
				continue
			}
			dangers++
		}
		if g.Weight == 0 {
			pl.errorf(0, "group %s: weight 0 counts for nothing; give it a weight or remove it", g.Name)
			continue
		}
		have := map[string]bool{}
		for code, words := range g.Words {
			if _, err := ParseLang(code); err != nil {
				pl.errorf(0, "group %s: %v", g.Name, err)
				continue
			}
			for _, w := range words {
				if have[w] {
					continue // the same word in two languages counts once
				}
				have[w] = true
				p := newPhrase(strings.TrimPrefix(w, "~"))
				// One syllable typed without its diacritics is always in
				// doubt: "hoc" is hóc (choking) and học (school).
				loose := strings.HasPrefix(w, "~") || len(p) == 1 && len(p[0].exact) == 1 && p[0].accented[0]
				if len(p) == 0 {
					pl.errorf(0, "group %s: empty word %q", g.Name, w)
					continue
				}
				group.entries = append(group.entries, alarmEntry{text: w, phrase: p, loose: loose})
			}
		}
		for code, words := range g.Near {
			if _, err := ParseLang(code); err != nil {
				pl.errorf(0, "group %s: near: %v", g.Name, err)
				continue
			}
			for _, w := range words {
				if p := newPhrase(w); len(p) > 0 {
					group.near = append(group.near, p)
				}
			}
		}
		out.groups = append(out.groups, group)
	}
	for code, words := range raw.Not {
		if _, err := ParseLang(code); err != nil {
			pl.errorf(0, "not: %v", err)
			continue
		}
		for _, w := range words {
			if p := newPhrase(w); len(p) > 0 {
				out.not = append(out.not, p)
			}
		}
	}
	for _, g := range out.groups {
		if g.with != "" && !seen[g.with] {
			pl.errorf(0, "group %s: with %q names no group", g.name, g.with)
		}
	}
	if dangers == 0 {
		pl.errorf(0, "no danger groups (a group with an intent): nothing can sound an alarm")
	}
	return out
}
