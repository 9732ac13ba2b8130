// Package privacy keeps citizens' personal numbers (ID-card, phone and bank
// account numbers) from leaving the process: logs, the question log and any
// outside service see them redacted.
package privacy

import (
	"regexp"
	"strings"
)

// Mask replaces a redacted number.
const Mask = "[số]"

// minDigits is the shortest run of digits treated as personal: phone numbers
// have 10, căn cước 12, old ID cards 9, bank accounts 8 or more. Fees
// ("50.000") and years stay.
const minDigits = 8

// numberRun matches digits with the separators people type inside numbers
// ("0912 345 678", "0912.345.678", "+84 912-345-678"). Slashes are not
// among them, so dates stay.
var numberRun = regexp.MustCompile(`\+?\d(?:[ .\-]?\d)+`)

// Redact returns s with every personal number replaced by Mask.
func Redact(s string) string {
	return numberRun.ReplaceAllStringFunc(s, func(run string) string {
		if digits(run) < minDigits {
			return run
		}
		return Mask
	})
}

// HasPersonalNumber reports whether s contains a number Redact would hide.
func HasPersonalNumber(s string) bool {
	for _, run := range numberRun.FindAllString(s, -1) {
		if digits(run) >= minDigits {
			return true
		}
	}
	return false
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// Contains reports whether redacted text still holds any digit run of a
// personal number's length; used by tests and checks.
func Contains(s string) bool { return HasPersonalNumber(strings.ReplaceAll(s, Mask, "")) }
