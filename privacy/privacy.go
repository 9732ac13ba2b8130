// Package privacy keeps citizens' personal numbers (ID-card, phone and bank
// account numbers) from leaving the process: logs, the question log and any
// outside service see them redacted.
package privacy

import (
	"regexp"
	"strings"
	"unicode"
)

// Mask replaces a redacted number.
const Mask = "[số]"

// minDigits is the shortest run of digits treated as personal: phone numbers
// have 10 (9 without the leading 0), căn cước 12, old ID cards 9, bank
// accounts 8 or more. Fees ("50.000") and years stay.
const minDigits = 8

// alwaysPersonal is the run length no amount or date reaches in a
// citizen's message: from 9 digits on a number is redacted whatever its
// shape ("141.234.567" is an old ID card as often as a sum of money).
const alwaysPersonal = 9

// numberRun matches digits, in any script, with up to three characters
// that are neither letters nor digits between them: whatever people type
// inside numbers ("0912 345 678", "0912.345.678", "(091) 234-5678",
// "001,203,004,567", "0912/345/678", non-breaking, thin and zero-width
// spaces, full-width ０９１２…). A letter ends a run.
var numberRun = regexp.MustCompile(`[+(]?\p{Nd}(?:[^\p{L}\p{Nd}]{0,3}\p{Nd})+\)?`)

// email matches an e-mail address.
var email = regexp.MustCompile(`[\p{L}\p{Nd}._%+\-]+@[\p{L}\p{Nd}\-]+(?:\.[\p{L}\p{Nd}\-]+)+`)

// EmailMask replaces a redacted e-mail address.
const EmailMask = "[email]"

// Amounts ("12.000.000 đồng") and dates ("22-11-2026") of 8 digits are not
// personal.
var (
	amount = regexp.MustCompile(`^[1-9]\p{Nd}{0,2}(?:\.\p{Nd}{3})+$|^[1-9]\p{Nd}{0,2}(?:,\p{Nd}{3})+$`)
	date   = regexp.MustCompile(`^\p{Nd}{1,2}[.\-/]\p{Nd}{1,2}[.\-/]\p{Nd}{4}$`)
)

// personal reports whether a run of digits is a personal number.
func personal(run string) bool {
	switch n := digits(run); {
	case n >= alwaysPersonal:
		return true
	case n >= minDigits:
		return !amount.MatchString(run) && !date.MatchString(run)
	}
	return false
}

// Redact returns s with every personal number replaced by Mask, and every
// e-mail address by EmailMask.
func Redact(s string) string {
	s = email.ReplaceAllString(s, EmailMask)
	return numberRun.ReplaceAllStringFunc(s, func(run string) string {
		if !personal(run) {
			return run
		}
		return Mask
	})
}

// HasPersonalNumber reports whether s contains a number Redact would hide.
func HasPersonalNumber(s string) bool {
	for _, run := range numberRun.FindAllString(s, -1) {
		if personal(run) {
			return true
		}
	}
	return false
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// Contains reports whether redacted text still holds a personal number;
// used by tests and checks.
func Contains(s string) bool { return HasPersonalNumber(strings.ReplaceAll(s, Mask, " ")) }
