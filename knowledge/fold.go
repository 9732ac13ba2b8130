package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize returns s in NFC, lower case, with typographic apostrophes made
// plain (H’Mông and H'Mông are one word). Accents are kept.
func Normalize(s string) string {
	s = norm.NFC.String(s)
	return strings.Map(func(r rune) rune {
		switch r {
		case '’', '‘', 'ʼ', '`', '´':
			return '\''
		}
		return unicode.ToLower(r)
	}, s)
}

// Fold is Normalize without diacritics: tone marks and vowel hats go, and
// đ becomes d, so "Đăng ký" and "dang ky" are the same word. Letters are
// never dropped: H'Mông and Dao tone letters at the end of a syllable stay.
func Fold(s string) string {
	if isASCII(s) {
		return asciiFold(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if f := foldRune(r); f >= 0 {
			b.WriteRune(f)
		}
	}
	return b.String()
}

// foldRune folds one rune to its lower-case base letter, or returns -1 for
// a combining mark, which folding drops.
func foldRune(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		return unicode.ToLower(r)
	case r == 'đ' || r == 'Đ':
		return 'd'
	case r == '’' || r == '‘' || r == 'ʼ' || r == '´':
		return '\''
	case unicode.Is(unicode.Mn, r):
		return -1
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	if d := norm.NFD.Properties(buf[:n]).Decomposition(); len(d) > 0 {
		base, _ := utf8.DecodeRune(d) // the letter; the marks follow it
		return unicode.ToLower(base)
	}
	return unicode.ToLower(r)
}

// HasDiacritics reports whether folding would change s beyond case.
func HasDiacritics(s string) bool {
	return Fold(s) != strings.ToLower(norm.NFC.String(s))
}

// isASCII reports whether s is plain ASCII, which most questions typed
// without diacritics are: they need no Unicode normalization.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func asciiFold(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' || c == '`' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				switch c := b[j]; {
				case 'A' <= c && c <= 'Z':
					b[j] = c + 'a' - 'A'
				case c == '`':
					b[j] = '\''
				}
			}
			return string(b)
		}
	}
	return s
}
