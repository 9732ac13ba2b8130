package telegram

import (
	"strings"
	"unicode/utf16"
)

// maxMessage is Telegram's limit on a message's length, in UTF-16 code units
// (an emoji such as 🚨 counts two).
const maxMessage = 4096

// split cuts HTML text into messages of at most limit UTF-16 units, at
// paragraph boundaries where it can, else at line ends or spaces, and never
// inside a tag or an entity.
func split(html string, limit int) []string {
	var out []string
	for utf16Len(html) > limit {
		cut := safeCut(html, limit)
		out = append(out, strings.TrimRight(html[:cut], " \n"))
		html = strings.TrimLeft(html[cut:], " \n")
	}
	if html != "" || len(out) == 0 {
		out = append(out, html)
	}
	return out
}

// safeCut returns a byte offset at which html can be cut so the first part
// has at most limit UTF-16 units: the last paragraph break, else line break,
// else space before the limit that is outside tags and entities, else the
// last safe character boundary, else at the limit itself.
func safeCut(html string, limit int) int {
	var para, line, space, last int
	hard := len(html) // where the limit falls, if nothing better is found
	inTag, inEntity := false, false
	n := 0
	for i, r := range html {
		w := utf16Units(r)
		if n+w > limit {
			hard = i
			break
		}
		n += w
		switch {
		case r == '<':
			inTag = true
		case r == '>' && inTag:
			inTag = false
			last = i + 1
			continue
		case r == '&':
			inEntity = true
		case r == ';' && inEntity:
			inEntity = false
			last = i + 1
			continue
		}
		if inTag || inEntity {
			continue
		}
		last = i + len(string(r))
		switch r {
		case '\n':
			if i > 0 && html[i-1] == '\n' {
				para = i
			}
			line = i
		case ' ':
			space = i
		}
	}
	for _, c := range []int{para, line, space, last} {
		if c > 0 {
			return c
		}
	}
	return hard // no safe place: only text that is not valid HTML gets here
}

// utf16Len counts s the way Telegram does.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16Units(r)
	}
	return n
}

// utf16Units is r's length in UTF-16 code units; invalid UTF-8 is sent as
// U+FFFD, one unit.
func utf16Units(r rune) int {
	return max(1, utf16.RuneLen(r))
}
