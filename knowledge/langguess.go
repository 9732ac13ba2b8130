package knowledge

import (
	"regexp"
	"strings"
)

// GuessLang says which of Loa's languages text is written in, from the
// spelling alone, or "" when unsure. It abstains rather than guess: it
// decides only on several words, and never says Giáy (which has no spelling
// of its own to recognize).
//
// The signs: Vietnamese syllables follow a closed pattern (onset, vowels,
// one of a few final consonants). H'Mông RPA writes tones as final letters
// b j v s g m d and has clusters Vietnamese never has (ts, tx, hm, ny, oo);
// the Dao (Iu Mien) script ends syllables in h x z c; Tày writes sl, pj, bj
// and a few vowel pairs Vietnamese lacks.
func GuessLang(text string) Lang {
	var words, invalid, hmong, dao, tay int
	for _, w := range tokenize(Normalize(text)) {
		f := Fold(w)
		if !strings.ContainsAny(f, "aeiouyw") || loanWords[f] {
			continue
		}
		words++
		if tayWord(w, f) {
			tay++
			continue
		}
		if vietnameseSyllable.MatchString(f) {
			continue
		}
		invalid++
		switch {
		case daoEnding.MatchString(f):
			dao++
		case hmongSyllable.MatchString(f):
			hmong++
		}
	}
	switch {
	case words < 2:
		return ""
	case hmong >= 2 && hmong >= 3*dao && 3*hmong >= words:
		return Hmong
	case dao >= 2 && dao >= 3*hmong && 3*dao >= words:
		return Dao
	case tay >= 1 && invalid <= 1:
		return Tay
	case tay == 0 && words >= 3 && invalid*8 <= words:
		return Vietnamese
	}
	return ""
}

// GuessOther returns the language text is clearly written in when a user
// who chose chosen should be offered it, or "". Tày and Giáy are written
// with Vietnamese letters, and without tone marks or their few letters of
// their own they look Vietnamese: for their users, text that looks
// Vietnamese is no sign they would rather read Vietnamese.
func GuessOther(text string, chosen Lang) Lang {
	guess := GuessLang(text)
	if guess == chosen || guess == Vietnamese && (chosen == Tay || chosen == Giay) {
		return ""
	}
	return guess
}

var (
	vietnameseSyllable = regexp.MustCompile(`^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?$`)
	hmongSyllable      = regexp.MustCompile(`^(ntxh|nplh|ntsh|nkh|nph|nqh|nrh|nth|ntx|nts|npl|plh|txh|tsh|hml|hny|hnl|dh|hl|hm|hn|ny|nk|np|nq|nr|nt|ph|pl|qh|rh|th|ts|tx|xy|kh|ml|[cdfhklmnpqrstvxyz])?(aa|ee|oo|ai|au|aw|ia|ua|[aeiouw])[bjvsgmd]?$`)
	daoEnding          = regexp.MustCompile(`[aeiou](ng|[mnpqt])?[hxzc]$|q[vhxcz]?$`)
	tayOnset           = regexp.MustCompile(`^(sl|pj|bj|mj|phj|khj)`)
)

// tayWord reports Tày spellings: onsets and vowel pairs Vietnamese lacks
// ("slam", "pjom", "tâư"), and a few common words (w accented, f folded).
func tayWord(w, f string) bool {
	return tayOnset.MatchString(f) || strings.Contains(w, "âư") || strings.Contains(w, "ơư") || tayWords[w]
}

var tayWords = setOf("bấu", "hẩư", "rườn", "mảy", "fầy", "khốp", "slấy", "nặm", "đếch")

// loanWords are acronyms and names typed in every language.
var loanWords = setOf("vneid", "cccd", "cmnd", "bhyt", "bhxh", "ubnd", "ok", "oke", "sms", "qr", "otp", "atm", "online", "app", "zalo", "facebook", "loa", "momo", "viettel", "vnpt")
