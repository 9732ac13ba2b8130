package knowledge

import (
	"errors"
	"io/fs"
	"strings"
)

// A Gap is a case citizens ask about that sits next to a procedure Loa has
// but that its card does not cover (divorce beside marriage registration):
// a question naming one is told so plainly instead of getting the
// neighbour's card as if it were the answer.
type Gap struct {
	ID      string
	Title   map[Lang]string // the case, as a short phrase per language
	Near    []string        // procedures people confuse it with
	phrases []phrase
}

// TitleIn returns the gap's title in lang, or the Vietnamese one.
func (g Gap) TitleIn(lang Lang) string {
	if t := g.Title[lang]; t != "" {
		return t
	}
	return g.Title[Vietnamese]
}

// Gap returns the first gap whose phrases occur in text.
func (c *Content) Gap(text string) (*Gap, bool) {
	msg := newMessage(text)
	for i := range c.Gaps {
		for _, p := range c.Gaps[i].phrases {
			if _, _, ok := msg.match(p, 0); ok {
				return &c.Gaps[i], true
			}
		}
	}
	return nil, false
}

type yamlGap struct {
	ID      string              `yaml:"id"`
	Title   map[string]string   `yaml:"title"`
	Phrases map[string][]string `yaml:"phrases"`
	Near    []string            `yaml:"near"`
}

// loadGaps reads gaps.yaml, which a content folder may leave out.
func loadGaps(fsys fs.FS, problems *Problems) []Gap {
	if _, err := fs.Stat(fsys, gapsFile); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var raw []yamlGap
	if !decodeYAMLFile(fsys, gapsFile, &raw, problems) {
		return nil
	}
	pl := problemList{all: problems, file: gapsFile}
	var gaps []Gap
	for _, rg := range raw {
		if !idPattern.MatchString(rg.ID) {
			pl.errorf(0, "gap id %q is not a valid id", rg.ID)
			continue
		}
		g := Gap{ID: rg.ID, Title: map[Lang]string{}, Near: rg.Near}
		for code, title := range rg.Title {
			lang, err := ParseLang(code)
			if err != nil {
				pl.errorf(0, "gap %q: %v", rg.ID, err)
				continue
			}
			g.Title[lang] = strings.TrimSpace(title)
		}
		for code, phrases := range rg.Phrases {
			if _, err := ParseLang(code); err != nil {
				pl.errorf(0, "gap %q: %v", rg.ID, err)
				continue
			}
			for _, p := range phrases {
				if ph := newPhrase(p); len(ph) > 0 {
					g.phrases = append(g.phrases, ph)
				}
			}
		}
		if g.Title[Vietnamese] == "" || len(g.phrases) == 0 {
			pl.errorf(0, "gap %q needs a Vietnamese title and at least one phrase", rg.ID)
			continue
		}
		gaps = append(gaps, g)
	}
	return gaps
}

// checkGapsNear reports gaps that name a procedure that does not exist.
func checkGapsNear(c *Content, problems *Problems) {
	pl := problemList{all: problems, file: gapsFile}
	for _, g := range c.Gaps {
		for _, id := range g.Near {
			if c.Procedure(id) == nil {
				pl.errorf(0, "gap %q: near names %q, which is no procedure", g.ID, id)
			}
		}
	}
}
