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
	SelfHarm  Intent = "self_harm" // an emergency: talk of suicide or self-harm
	Violence  Intent = "violence"  // an emergency: violence at home, against a woman or a child
	Greeting  Intent = "greeting"
	Thanks    Intent = "thanks"
	WhoAmI    Intent = "whoami"
	Insult    Intent = "insult"
)

// Request marks a message that asks about papers or a procedure. An
// emergency message gets a card after the numbers only when it also holds a
// request ("nhà bị cháy, làm lại giấy khai sinh thế nào"), never for "em bé
// không thở".
const Request Intent = "request"

// Calm marks an alarm that is past, a lesson or a claim ("năm ngoái",
// "sơ cứu", "bảo hiểm tai nạn"): with a request, such a message is a
// question, not an emergency.
const Calm Intent = "calm"

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
func IntentNames() []Intent {
	return []Intent{SelfHarm, Violence, Emergency, WhoAmI, Insult, Thanks, Greeting}
}

// EmergencyNames lists the intents that are emergencies, most specific
// first: each gets its own lines, and every one gets the emergency numbers.
func EmergencyNames() []Intent { return []Intent{SelfHarm, Violence, Emergency} }

// IsEmergency reports whether an intent is one of EmergencyNames.
func (i Intent) IsEmergency() bool { return i == Emergency || i == SelfHarm || i == Violence }

// FollowUpNames lists the follow-up intents in the order they are tried.
func FollowUpNames() []Intent {
	return []Intent{AskFee, AskDuration, AskDocuments, AskWhere, AskSteps, AskNotes}
}

// Intents holds, per intent and language, the phrases that signal it,
// split into words once at load so matching a message is cheap.
type Intents struct {
	phrases map[Intent]map[Lang][]string
	matches map[Intent][]phrase
}

// phrase is a phrase as parts that must occur in order; "…" between parts
// allows up to maxGap other words there ("nhà … cháy" matches "nhà tôi
// cháy"), for phrasings whose words people separate.
type phrase []wordSeq

// maxGap is how many words may stand where a phrase has "…".
const maxGap = 3

func newPhrase(text string) phrase {
	var p phrase
	for _, part := range strings.Split(strings.ReplaceAll(text, "...", "…"), "…") {
		if w := newWordSeq(part); len(w.exact) > 0 {
			p = append(p, w)
		}
	}
	return p
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

// Has reports whether text holds a phrase of intent.
func (in Intents) Has(text string, intent Intent) bool {
	_, ok := in.find(newMessage(text), intent)
	return ok
}

// Emergencies returns every emergency intent in text, in EmergencyNames
// order: "chồng đánh em, em muốn chết" is violence and self-harm.
func (in Intents) Emergencies(text string) []Intent {
	msg := newMessage(text)
	var out []Intent
	for _, name := range EmergencyNames() {
		if _, ok := in.find(msg, name); ok {
			out = append(out, name)
		}
	}
	return out
}

// Strip returns text without the words of the phrases of names it holds,
// so "làm căn cước thế nào, em cảm ơn" can be answered as "làm căn cước
// thế nào". Words come back normalized, separated by spaces.
func (in Intents) Strip(text string, names ...Intent) string {
	var phrases []phrase
	for _, name := range names {
		phrases = append(phrases, in.matches[name]...)
	}
	return strings.Join(newMessage(text).without(phrases).exact, " ")
}

// without returns w less the words of every occurrence of phrases.
func (w wordSeq) without(phrases []phrase) wordSeq {
	drop := make([]bool, len(w.exact))
	for _, p := range phrases {
		for from := 0; ; {
			start, end, ok := w.match(p, from)
			if !ok {
				break
			}
			for i := start; i < end; i++ {
				drop[i] = true
			}
			from = end
		}
	}
	var out wordSeq
	for i := range w.exact {
		if !drop[i] {
			out.exact, out.folded, out.accented = append(out.exact, w.exact[i]), append(out.folded, w.folded[i]), append(out.accented, w.accented[i])
		}
	}
	return out
}

func (in Intents) first(text string, names []Intent) (Intent, bool) {
	msg := newMessage(text)
	for _, name := range names {
		if _, ok := in.find(msg, name); ok {
			return name, true
		}
	}
	return "", false
}

func (in Intents) find(msg wordSeq, name Intent) (phrase, bool) {
	for _, p := range in.matches[name] {
		if _, _, ok := msg.match(p, 0); ok {
			return p, true
		}
	}
	return nil, false
}

// newMessage splits a message into words, expanding chat shorthand typed
// without diacritics ("ko thở dc" is "không thở được"), as search does.
func newMessage(text string) wordSeq {
	w := newWordSeq(text)
	var out wordSeq
	for i, word := range w.exact {
		if long, ok := chatShorthand[word]; ok && !w.accented[i] {
			for _, part := range strings.Fields(long) {
				out.exact, out.folded, out.accented = append(out.exact, part), append(out.folded, part), append(out.accented, false)
			}
			continue
		}
		out.exact, out.folded, out.accented = append(out.exact, word), append(out.folded, w.folded[i]), append(out.accented, w.accented[i])
	}
	return out
}

// match finds phrase p in w at or after word from, and returns the words it
// spans.
func (w wordSeq) match(p phrase, from int) (start, end int, ok bool) {
	if len(p) == 0 {
		return 0, 0, false
	}
	for i := from; i < len(w.exact); i++ {
		if !w.at(p[0], i) {
			continue
		}
		if end, ok := w.rest(p[1:], i+len(p[0].exact)); ok {
			return i, end, true
		}
	}
	return 0, 0, false
}

// rest matches the parts after a gap, each within maxGap words of the last.
func (w wordSeq) rest(parts phrase, from int) (end int, ok bool) {
	if len(parts) == 0 {
		return from, true
	}
	for i := from; i <= from+maxGap && i < len(w.exact); i++ {
		if w.at(parts[0], i) {
			if end, ok := w.rest(parts[1:], i+len(parts[0].exact)); ok {
				return end, true
			}
		}
	}
	return 0, false
}

// at reports whether part occurs in w at word i. A word typed without
// diacritics matches the phrase folded ("chay nha" is "cháy nhà"); a word
// typed with them must match exactly ("ngủ" is not "ngu").
func (w wordSeq) at(part wordSeq, i int) bool {
	n := len(part.exact)
	if n == 0 || i+n > len(w.exact) {
		return false
	}
	for j := 0; j < n; j++ {
		if w.accented[i+j] {
			if w.exact[i+j] != part.exact[j] {
				return false
			}
		} else if w.folded[i+j] != part.folded[j] {
			return false
		}
	}
	return true
}

func loadIntents(fsys fs.FS, problems *Problems) Intents {
	var raw map[string]map[string][]string
	if !decodeYAMLFile(fsys, intentsFile, &raw, problems) {
		return Intents{}
	}
	pl := problemList{all: problems, file: intentsFile}
	known := map[Intent]bool{}
	for _, n := range append(append(IntentNames(), FollowUpNames()...), Request, Calm) {
		known[n] = true
	}
	out := Intents{phrases: map[Intent]map[Lang][]string{}, matches: map[Intent][]phrase{}}
	for name, byLang := range raw {
		intent := Intent(name)
		if !known[intent] {
			pl.errorf(0, "unknown intent %q (known: emergency, self_harm, violence, greeting, thanks, whoami, insult, request, calm, ask_fee, ask_duration, ask_documents, ask_where, ask_steps, ask_notes)", name)
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
					out.matches[intent] = append(out.matches[intent], newPhrase(p))
				}
			}
		}
	}
	if len(out.phrases[Emergency][Vietnamese]) == 0 {
		pl.errorf(0, "no Vietnamese emergency phrases: emergencies must always be recognized")
	}
	return out
}

// contains reports whether part occurs anywhere in w.
func (w wordSeq) contains(part wordSeq) bool {
	for i := range w.exact {
		if w.at(part, i) {
			return true
		}
	}
	return false
}
