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

// Follow-up intents: a short question about the procedure just shown.
const (
	AskFee       Intent = "ask_fee"
	AskDuration  Intent = "ask_duration"
	AskDocuments Intent = "ask_documents"
	AskWhere     Intent = "ask_where"
	AskSteps     Intent = "ask_steps"
	AskNotes     Intent = "ask_notes"
)

// IntentNames lists the intents in the order they are tried.
func IntentNames() []Intent { return []Intent{Emergency, WhoAmI, Insult, Thanks, Greeting} }

// FollowUpNames lists the follow-up intents in the order they are tried.
func FollowUpNames() []Intent {
	return []Intent{AskFee, AskDuration, AskDocuments, AskWhere, AskSteps, AskNotes}
}

// Intents holds, per intent and language, the phrases that signal it,
// split into words once at load so matching a message is cheap.
type Intents struct {
	phrases map[Intent]map[Lang][]string
	matches map[Intent][]wordSeq
}

// Phrases returns the phrases of an intent in one language.
func (in Intents) Phrases(intent Intent, lang Lang) []string { return in.phrases[intent][lang] }

// wordSeq is a phrase or message as words: normalized (accents kept),
// folded, and whether each was written with diacritics.
type wordSeq struct {
	exact, folded []string
	accented      []bool
}

func newWordSeq(text string) wordSeq {
	var w wordSeq
	for _, word := range tokenize(Normalize(text)) {
		f := Fold(word)
		w.exact, w.folded, w.accented = append(w.exact, word), append(w.folded, f), append(w.accented, f != word)
	}
	return w
}

// Match returns the first intent (in IntentNames order) with a phrase in
// text, in any language: a user who chose H'Mông may still write Vietnamese.
func (in Intents) Match(text string) (Intent, bool) { return in.first(text, IntentNames()) }

// MatchFollowUp returns the first follow-up intent with a phrase in text.
func (in Intents) MatchFollowUp(text string) (Intent, bool) { return in.first(text, FollowUpNames()) }

func (in Intents) first(text string, names []Intent) (Intent, bool) {
	msg := newWordSeq(text)
	for _, name := range names {
		for _, p := range in.matches[name] {
			if msg.contains(p) {
				return name, true
			}
		}
	}
	return "", false
}

// contains reports whether phrase occurs in w. A word typed without
// diacritics matches the phrase folded ("chay nha" is "cháy nhà"); a word
// typed with them must match exactly ("ngủ" is not "ngu").
func (w wordSeq) contains(phrase wordSeq) bool {
	n := len(phrase.exact)
	if n == 0 {
		return false
	}
	for i := 0; i+n <= len(w.exact); i++ {
		match := true
		for j := 0; j < n && match; j++ {
			if w.accented[i+j] {
				match = w.exact[i+j] == phrase.exact[j]
			} else {
				match = w.folded[i+j] == phrase.folded[j]
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
		return Intents{}
	}
	pl := problemList{all: problems, file: intentsFile}
	known := map[Intent]bool{}
	for _, n := range append(IntentNames(), FollowUpNames()...) {
		known[n] = true
	}
	out := Intents{phrases: map[Intent]map[Lang][]string{}, matches: map[Intent][]wordSeq{}}
	for name, byLang := range raw {
		intent := Intent(name)
		if !known[intent] {
			pl.errorf(0, "unknown intent %q (known: emergency, greeting, thanks, whoami, insult, ask_fee, ask_duration, ask_documents, ask_where, ask_steps, ask_notes)", name)
			continue
		}
		out.phrases[intent] = map[Lang][]string{}
		for code, phrases := range byLang {
			lang, err := ParseLang(code)
			if err != nil {
				pl.errorf(0, "intent %s: %v", name, err)
				continue
			}
			for _, p := range phrases {
				if p = strings.TrimSpace(p); p != "" {
					out.phrases[intent][lang] = append(out.phrases[intent][lang], p)
					out.matches[intent] = append(out.matches[intent], newWordSeq(p))
				}
			}
		}
	}
	if len(out.phrases[Emergency][Vietnamese]) == 0 {
		pl.errorf(0, "no Vietnamese emergency phrases: emergencies must always be recognized")
	}
	return out
}
