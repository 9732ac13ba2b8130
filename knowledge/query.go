package knowledge

import (
	"strings"
	"unicode"
)

// maxQueryTerms bounds the work one question can cause; citizens' questions
// are short, and a pasted letter need not be searched whole.
const maxQueryTerms = 48

// chatShorthand expands what people type on phones into the words the
// content uses. Keys and values are folded.
var chatShorthand = map[string]string{
	"ko": "khong", "k": "khong", "kh": "khong", "hok": "khong", "hong": "khong", "kg": "khong", "khg": "khong",
	"j": "gi", "gj": "gi",
	"dc": "duoc", "dk": "dang ky", "dki": "dang ky", "dky": "dang ky",
	"ntn": "nhu the nao", "bn": "bao nhieu", "bnhieu": "bao nhieu",
	"e": "em", "a": "anh", "c": "chi", "mik": "minh", "mh": "minh",
	"mk": "mat khau", "pass": "mat khau", "sdt": "so dien thoai", "dt": "dien thoai",
	"tk": "tai khoan", "vs": "voi", "cx": "cung", "r": "roi", "ns": "noi",
	"lm": "lam", "ck": "chong", "vk": "vo", "bme": "bo me",
	"ki": "ky", "li": "ly", "ng": "nguoi", "nguoj": "nguoi", "trc": "truoc",
	"cmt": "cmnd", "gks": "giay khai sinh",
	"dvc": "dich vu cong",
}

// questionWords carry no topic: they are left out when judging how much of a
// question the best procedure covers. Folded.
var questionWords = setOf(
	"toi", "tui", "em", "anh", "chi", "minh", "ban", "oi", "a", "ah", "nhe", "nha", "nhi", "vay", "the", "thi", "la",
	"co", "khong", "gi", "nao", "o", "dau", "can", "phai", "lam", "sao", "nhu", "bao", "nhieu", "lau",
	"duoc", "cho", "cua", "va", "voi", "hay", "hoac", "muon", "xin", "hoi", "giup", "cach", "thu", "tuc",
	"viec", "nay", "do", "roi", "se", "da", "dang", "di", "den", "tai", "tu", "ra", "vao", "len", "con",
	"nha", "mot", "hai", "cac", "nhung", "moi", "ai", "khi", "neu", "ma", "vi", "de", "trong", "ngoai",
	"bay", "gio", "luc", "ngay", "hom", "qua", "mai", "biet", "noi", "hieu", "ho", "no", "chung", "cung",
	"rat", "qua", "lai", "thoi", "van", "chua", "xong", "het", "them", "nua", "it", "nhieu", "bi", "bo",
	"me", "ong", "ba", "chau", "nguoi", "nhe", "ak", "ha", "huhu", "tien",
	"giay", "to", "lam", "sao", "the", "nao", "vay", "roi", "cai", "nay", "kia", "ay", "dau", "thang",
	// H'Mông (RPA): I, you, want, do, how much, how, where, what, question
	// particles, classifiers and money, which say nothing of the topic.
	"kuv", "koj", "peb", "nws", "xav", "ua", "pes", "tsawg", "li", "cas", "qhov", "twg", "dab", "tsi",
	"puas", "los", "yog", "mus", "rau", "thiab", "nrog", "hauv", "ntawm", "tus", "lub", "cov", "ib",
	"yuav", "tau", "muaj", "nyiaj", "thov", "pab",
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// parsedQuery is a question prepared for search.
type parsedQuery struct {
	exact    string            // normalized, accents kept
	folded   []string          // folded terms after shorthand expansion and spelling correction
	expanded []string          // folded synonyms of phrases in the question
	accented map[string]string // folded → accented form, for words typed with accents
}

// known reports whether a procedure's words (of the kind pick chooses)
// include w; a word the user typed with accents must match them ("lúa",
// rice, is not "lừa", to cheat).
func (pq parsedQuery) known(w string, v wordView, pick func(*wordSet) map[string]bool) bool {
	if e, ok := pq.accented[w]; ok {
		return v.has(exactWords, e)
	}
	return v.has(pick, w)
}

// topic returns the folded terms that say what the question is about.
func (pq parsedQuery) topic() []string {
	var out []string
	for _, w := range pq.folded {
		if !questionWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// questionWords returns the folded terms that only shape the question
// ("o dau", "lam gi"); they count for little in ranking.
func (pq parsedQuery) questionWords() []string {
	var out []string
	for _, w := range pq.folded {
		if questionWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// pairs returns the question's consecutive word pairs, leaving out pairs of
// two question words ("o dau", "lam gi") that would match any procedure.
func pairs(words []string) []string {
	var out []string
	for i := 0; i+1 < len(words); i++ {
		if questionWords[words[i]] && questionWords[words[i+1]] {
			continue
		}
		out = append(out, words[i]+" "+words[i+1])
	}
	return out
}

// tokenize splits text into words: letters, digits and inner apostrophes
// (H'Mông stays one word).
func tokenize(s string) []string {
	var out []string
	var cur strings.Builder
	runes := []rune(s)
	for i, r := range runes {
		isWord := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		if r == '\'' && cur.Len() > 0 && i+1 < len(runes) && unicode.IsLetter(runes[i+1]) {
			isWord = true
		}
		if isWord {
			cur.WriteRune(r)
			continue
		}
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// parseQuery prepares a question: normalize, fold, expand shorthand and
// correct words the content does not know to a close word it does.
// Words are known, and corrected, only in langs: a typo in Vietnamese must
// not pass for a Tày word it happens to spell.
func parseQuery(q string, v *vocabulary, langs []Lang, synonyms [][][]string) parsedQuery {
	exact := tokenize(Normalize(q))
	if len(exact) > maxQueryTerms {
		exact = exact[:maxQueryTerms]
	}
	pq := parsedQuery{exact: strings.Join(exact, " "), accented: map[string]string{}}
	for _, w := range exact {
		f := Fold(w)
		if f != w {
			pq.accented[f] = w
		}
		if exp, ok := chatShorthand[f]; ok && !v.has(f, langs) || ok && len(f) <= 2 {
			pq.folded = append(pq.folded, strings.Fields(exp)...)
			continue
		}
		if !v.has(f, langs) {
			if fix := v.correct(f, langs); fix != "" {
				f = fix
			}
		}
		pq.folded = append(pq.folded, f)
	}
	pq.expanded = expand(pq.folded, synonyms)
	return pq
}

// expand returns the other phrases of every synonym group that has a phrase
// in words. Groups hold folded phrases split into words.
func expand(words []string, groups [][][]string) []string {
	var out []string
	for _, g := range groups {
		hit := -1
		for i, phrase := range g {
			if containsPhrase(words, phrase) {
				hit = i
				break
			}
		}
		if hit < 0 {
			continue
		}
		for i, phrase := range g {
			if i != hit && !containsPhrase(words, phrase) {
				out = append(out, strings.Join(phrase, " "))
			}
		}
	}
	return out
}

func containsPhrase(words, phrase []string) bool {
	for i := 0; i+len(phrase) <= len(words); i++ {
		match := true
		for j, p := range phrase {
			if words[i+j] != p {
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

// vocabulary is every folded word in the content, language by language,
// with how many texts use it.
type vocabulary struct {
	freq map[Lang]map[string]int
}

func newVocabulary() *vocabulary { return &vocabulary{freq: map[Lang]map[string]int{}} }

// count adds one text's use of w in lang.
func (v *vocabulary) count(lang Lang, w string) {
	m := v.freq[lang]
	if m == nil {
		m = map[string]int{}
		v.freq[lang] = m
	}
	m[w]++
}

func (v *vocabulary) addText(lang Lang, s string) {
	seen := map[string]bool{}
	for _, w := range tokenize(Fold(s)) {
		if !seen[w] {
			seen[w] = true
			v.count(lang, w)
		}
	}
}

// uses returns how many texts in langs use w.
func (v *vocabulary) uses(w string, langs []Lang) int {
	n := 0
	for _, l := range langs {
		n += v.freq[l][w]
	}
	return n
}

func (v *vocabulary) has(w string, langs []Lang) bool { return v.uses(w, langs) > 0 }

// correct returns the most used word of langs within one edit (a letter
// added, dropped, changed, or two neighbours swapped) of w, or "" when there
// is none or w is too short to correct safely.
func (v *vocabulary) correct(w string, langs []Lang) string {
	if len(w) < 3 || isNumber(w) {
		return ""
	}
	best, bestFreq := "", 0
	for _, l := range langs {
		for cand := range v.freq[l] {
			if abs(len(cand)-len(w)) > 1 || !withinOneEdit(w, cand) {
				continue
			}
			n := v.uses(cand, langs)
			if n > bestFreq || n == bestFreq && cand < best { // deterministic among equals
				best, bestFreq = cand, n
			}
		}
	}
	return best
}

func isNumber(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) && r != '.' {
			return false
		}
	}
	return true
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// withinOneEdit reports whether a and b differ by at most one insertion,
// deletion, substitution or transposition of neighbours.
func withinOneEdit(a, b string) bool {
	if a == b {
		return true
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) == len(rb) {
		diff := -1
		for i := range ra {
			if ra[i] != rb[i] {
				if diff >= 0 {
					// a second difference: only a swap of neighbours is allowed
					return i == diff+1 && ra[diff] == rb[i] && ra[i] == rb[diff] && string(ra[i+1:]) == string(rb[i+1:])
				}
				diff = i
			}
		}
		return true
	}
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	if len(ra)-len(rb) != 1 {
		return false
	}
	for i := range rb {
		if ra[i] != rb[i] {
			return string(ra[i+1:]) == string(rb[i:])
		}
	}
	return true
}

// TopicWords returns the words of text that say what it is about: folded,
// chat shorthand expanded, question and function words left out. Empty
// means the text names no topic ("ở đâu vậy?", "cảm ơn nhé").
func TopicWords(text string) []string {
	var out []string
	for _, w := range tokenize(Normalize(text)) {
		f := Fold(w)
		if long, ok := chatShorthand[f]; ok && f == w {
			f = long
		}
		for _, part := range strings.Fields(f) {
			if !questionWords[part] {
				out = append(out, part)
			}
		}
	}
	return out
}
