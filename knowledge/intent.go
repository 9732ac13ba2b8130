package knowledge

import (
	"io/fs"
	"strings"
)

// Intent names a kind of message that is not a procedure question.
type Intent string

// The intents Loa recognizes. Emergency comes before everything else.
const (
	Emergency Intent = "emergency"
	Greeting  Intent = "greeting"
	Thanks    Intent = "thanks"
	WhoAmI    Intent = "whoami"
	Insult    Intent = "insult"
)

// IntentNames lists the intents in the order they are tried.
func IntentNames() []Intent { return []Intent{Emergency, WhoAmI, Insult, Thanks, Greeting} }

// Intents holds, per intent and language, the phrases that signal it.
type Intents map[Intent]map[Lang][]string

// Match returns the first intent (in IntentNames order) with a phrase in
// text, in any language: a user who chose H'Mông may still write Vietnamese.
func (in Intents) Match(text string) (Intent, bool) {
	words := tokenize(Normalize(text))
	for _, name := range IntentNames() {
		for _, phrases := range in[name] {
			for _, p := range phrases {
				if containsAccentAware(words, tokenize(Normalize(p))) {
					return name, true
				}
			}
		}
	}
	return "", false
}

// containsAccentAware reports whether phrase occurs in words. A word typed
// without diacritics matches the phrase folded ("chay nha" is "cháy nhà");
// a word typed with them must match exactly ("ngủ" is not "ngu").
func containsAccentAware(words, phrase []string) bool {
	if len(phrase) == 0 {
		return false
	}
	for i := 0; i+len(phrase) <= len(words); i++ {
		match := true
		for j, p := range phrase {
			w := words[i+j]
			if HasDiacritics(w) && w != p || !HasDiacritics(w) && w != Fold(p) {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func loadIntents(fsys fs.FS, problems *Problems) Intents {
	var raw map[string]map[string][]string
	if !decodeYAMLFile(fsys, intentsFile, &raw, problems) {
		return nil
	}
	pl := problemList{all: problems, file: intentsFile}
	known := map[Intent]bool{}
	for _, n := range IntentNames() {
		known[n] = true
	}
	out := Intents{}
	for name, byLang := range raw {
		intent := Intent(name)
		if !known[intent] {
			pl.errorf(0, "unknown intent %q (known: emergency, greeting, thanks, whoami, insult)", name)
			continue
		}
		out[intent] = map[Lang][]string{}
		for code, phrases := range byLang {
			lang, err := ParseLang(code)
			if err != nil {
				pl.errorf(0, "intent %s: %v", name, err)
				continue
			}
			for _, p := range phrases {
				if p = strings.TrimSpace(p); p != "" {
					out[intent][lang] = append(out[intent][lang], p)
				}
			}
		}
	}
	if len(out[Emergency][Vietnamese]) == 0 {
		pl.errorf(0, "no Vietnamese emergency phrases: emergencies must always be recognized")
	}
	return out
}
