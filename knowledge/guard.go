package knowledge

import (
	"regexp"
	"strings"
	"unicode"
)

// GuardResult is a drafted answer after the fact guard.
type GuardResult struct {
	Kept   string   // the sentences before the first unsupported one
	Cut    bool     // a sentence was cut, and everything after it
	Reason string   // what the first cut sentence held that the source lacks
	Facts  []string // the facts checked in the kept text
}

// Guard checks a draft (an LLM's answer about p) against p's own texts,
// in every language: each number (amounts, durations, dates, phone
// numbers, procedure codes, decree numbers), web address, office and
// claim of "free" in a sentence must occur there. The first sentence that
// holds one the source lacks is cut, with the rest of the draft after it:
// what follows an invention may lean on it. Pure and cheap: it runs on
// every streamed sentence.
func (p *Procedure) Guard(draft string) GuardResult {
	src := p.facts
	if src == nil { // a Procedure built by hand, not loaded
		src = p.factSource()
	}
	var res GuardResult
	var kept []string
	for _, sentence := range Sentences(draft) {
		facts, missing := src.check(sentence)
		if missing != "" {
			res.Cut, res.Reason = true, missing
			break
		}
		kept = append(kept, sentence)
		res.Facts = append(res.Facts, facts...)
	}
	res.Kept = strings.Join(kept, " ")
	return res
}

// factSource is what a procedure's texts say, as the guard compares it;
// built once, at load.
type factSource struct {
	digits map[string]bool // every run of digits, separators removed
	terms  map[string]bool // the factTerms the texts use
	folded string          // all text, folded, with spaces around
}

func (p *Procedure) factSource() *factSource {
	src := &factSource{digits: map[string]bool{}, terms: map[string]bool{}}
	var all []string
	all = append(all, p.Sources...)
	all = append(all, p.LegalBasis...)
	all = append(all, p.Codes...)
	all = append(all, p.Online)
	for _, t := range p.Texts {
		all = append(all, t.Title, t.Summary, t.Where, t.Fee, t.Duration, t.Deadline)
		for _, s := range t.allSections() {
			all = append(all, s.Plain)
		}
	}
	for _, text := range all {
		for _, d := range digitFacts(text) {
			src.digits[d] = true
			if n, _, ok := strings.Cut(d, " "); ok {
				src.digits[n] = true
			}
		}
	}
	src.folded = " " + foldText(strings.Join(all, " ")) + " "
	for _, term := range factTerms {
		if strings.Contains(src.folded, term.folded) {
			src.terms[term.text] = true
		}
	}
	return src
}

// check returns the facts a sentence states and the first one the source
// lacks, if any.
func (src *factSource) check(sentence string) (facts []string, missing string) {
	for _, d := range digitFacts(sentence) {
		facts = append(facts, d)
		if !src.digits[d] {
			return facts, d
		}
	}
	for _, u := range webAddresses(sentence) {
		u = strings.TrimRight(u, ".,;:)")
		facts = append(facts, u)
		if !strings.Contains(src.folded, foldText(u)) {
			return facts, u
		}
	}
	folded := " " + foldText(sentence) + " "
	for _, term := range factTerms {
		if strings.Contains(folded, term.folded) {
			facts = append(facts, term.text)
			if !src.terms[term.text] {
				return facts, term.text
			}
		}
	}
	return facts, ""
}

// factTerms are offices and claims a draft may only make when the source
// does: an invented office sends a citizen to the wrong door.
var factTerms = newFactTerms(
	"miễn phí", "không mất tiền", "không mất phí",
	"tòa án", "viện kiểm sát", "công an tỉnh", "công an huyện", "công an xã",
	"ubnd huyện", "ủy ban nhân dân huyện", "ubnd tỉnh", "ủy ban nhân dân tỉnh", "ubnd xã",
	"sở tư pháp", "sở tài nguyên", "sở nông nghiệp", "sở lao động", "phòng tư pháp",
	"văn phòng đăng ký đất đai", "chi nhánh văn phòng đăng ký đất đai", "bảo hiểm xã hội",
	"bưu điện", "ngân hàng", "kho bạc", "chi cục thuế", "cục thuế", "đại sứ quán", "lãnh sự",
	"trạm y tế", "bệnh viện", "phòng công chứng", "văn phòng công chứng", "trung tâm phục vụ hành chính công",
)

type factTerm struct{ text, folded string }

func newFactTerms(terms ...string) []factTerm {
	out := make([]factTerm, len(terms))
	for i, t := range terms {
		out[i] = factTerm{t, " " + foldText(t) + " "}
	}
	return out
}

// webAddress matches a web address or a bare domain ("dichvucong.gov.vn").
var webAddress = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:vn|com|gov|org|net)\b[^\s<>"]*`)

// webAddresses finds the web addresses in a sentence; the regular
// expression runs only where one could be.
func webAddresses(sentence string) []string {
	lower := strings.ToLower(sentence)
	for _, hint := range []string{"http", ".vn", ".com", ".gov", ".org", ".net"} {
		if strings.Contains(lower, hint) {
			return webAddress.FindAllString(sentence, -1)
		}
	}
	return nil
}

// digitRun matches digits with the separators numbers are written with
// ("30.000", "1.001193", "0912 345 678", "15/2023/NĐ-CP" gives 15 and 2023).
var digitRun = regexp.MustCompile(`\p{Nd}(?:[.,\s]?\p{Nd})*`)

// digitRuns returns the runs of digits in text with their separators
// removed, so "30.000" and "30000" are one fact.
func digitRuns(text string) []string {
	var out []string
	for _, run := range digitRun.FindAllString(text, -1) {
		out = append(out, strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) {
				return r
			}
			return -1
		}, run))
	}
	return out
}

// numberWithUnit matches a number and the word after it.
var numberWithUnit = regexp.MustCompile(`(\p{Nd}(?:[.,\s]?\p{Nd})*)(?:\s*(%|\p{L}+))?`)

// units are the words that make a number a fact of its own kind: "5
// năm" is not "5 ngày", and "0 đồng" is not in a text that says "miễn phí"
// however many zeros it has. Folded.
var units = map[string]bool{
	"dong": true, "d": true, "vnd": true, "trieu": true, "nghin": true, "ngan": true, "ty": true,
	"ngay": true, "thang": true, "nam": true, "tuan": true, "gio": true, "phut": true, "tuoi": true,
	"lan": true, "%": true, "hnub": true, "xyoo": true, "hli": true, "nyiaj": true,
}

// digitFacts returns the numbers in text, separators removed, each with
// its unit when one follows ("30.000 đồng" is "30000 dong").
func digitFacts(text string) []string {
	var out []string
	for _, m := range numberWithUnit.FindAllStringSubmatch(text, -1) {
		d := strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) {
				return r
			}
			return -1
		}, m[1])
		if u := Fold(strings.ToLower(m[2])); units[u] {
			d += " " + u
		}
		out = append(out, d)
	}
	return out
}

// foldText folds text as search does and keeps only words, one space
// between them.
func foldText(s string) string {
	var words []string
	for _, w := range tokenize(Normalize(s)) {
		words = append(words, Fold(w))
	}
	return strings.Join(words, " ")
}

// Sentences splits text into sentences at ., !, ? and line ends; a dot
// between digits ("30.000") or inside a web address does not end one.
func Sentences(text string) []string {
	var out []string
	var cur strings.Builder
	runes := []rune(text)
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	for i, r := range runes {
		cur.WriteRune(r)
		switch r {
		case '\n':
			flush()
		case '.', '!', '?', '。':
			next := rune(0)
			if i+1 < len(runes) {
				next = runes[i+1]
			}
			if next == 0 || unicode.IsSpace(next) {
				flush()
			}
		}
	}
	flush()
	return out
}
