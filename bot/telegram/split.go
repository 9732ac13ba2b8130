package telegram

import "strings"

// maxMessage is Telegram's limit on a message's length, in characters.
const maxMessage = 4096

// split cuts HTML text into messages of at most limit characters, at
// paragraph boundaries where it can, else at line ends or spaces, and never
// inside a tag or an entity.
func split(html string, limit int) []string {
	var out []string
	for len([]rune(html)) > limit {
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
// has at most limit characters: the last paragraph break, else line break,
// else space before the limit that is outside tags and entities, else the
// last safe character boundary, else at the limit itself.
func safeCut(html string, limit int) int {
	var para, line, space, last int
	hard := len(html) // where the limit falls, if nothing better is found
	inTag, inEntity := false, false
	n := 0
	for i, r := range html {
		if n == limit {
			hard = i
			break
		}
		n++
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
