package knowledge

import (
	"fmt"
	"strings"
)

// Lang is one of the languages Loa serves, named by its content file name
// (vi.md, hmn.md, dao.md, tay.md, giay.md).
type Lang string

// The languages Loa serves. Vietnamese is canonical: every procedure has it,
// and every other language is a translation of it.
const (
	Vietnamese Lang = "vi"
	Hmong      Lang = "hmn"
	Dao        Lang = "dao"
	Tay        Lang = "tay"
	Giay       Lang = "giay"
)

// Langs lists every language in display order, Vietnamese first.
func Langs() []Lang { return []Lang{Vietnamese, Hmong, Dao, Tay, Giay} }

// Tag returns the BCP 47 tag for the language. The minority tags are the
// ISO 639-3 codes: hmn (H'Mông macrolanguage), ium (Iu Mien, the Dao of
// northern Vietnam; never "yao"), tyz (Tày; not "tay", which is Atayal) and
// pcc (Bouyei, under which Ethnologue files Giáy).
func (l Lang) Tag() string {
	switch l {
	case Dao:
		return "ium"
	case Tay:
		return "tyz"
	case Giay:
		return "pcc"
	}
	return string(l)
}

// Name returns the language's name in the language itself.
func (l Lang) Name() string {
	switch l {
	case Vietnamese:
		return "Tiếng Việt"
	case Hmong:
		return "Lus Hmoob"
	case Dao:
		return "Dao (Iu Mien)"
	case Tay:
		return "Tày"
	case Giay:
		return "Giáy"
	}
	return string(l)
}

// Valid reports whether l is one of the languages Loa serves.
func (l Lang) Valid() bool {
	for _, known := range Langs() {
		if l == known {
			return true
		}
	}
	return false
}

// ParseLang accepts a content file name ("tay") or a BCP 47 tag ("tyz",
// "hmn-Latn", "vi-VN"), case-insensitively.
func ParseLang(s string) (Lang, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i > 0 {
		s = s[:i]
	}
	for _, l := range Langs() {
		if s == string(l) || s == l.Tag() {
			return l, nil
		}
	}
	switch s {
	case "hnj", "mww": // Vietnamese H'Mông script is based on Hmông Lềnh (hnj)
		return Hmong, nil
	}
	return "", fmt.Errorf("unknown language %q: use one of vi, hmn, dao, tay, giay", s)
}
