package knowledge

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

const goodVI = `---
title: Đăng ký khai sinh
summary: Trẻ mới sinh phải được đăng ký khai sinh trong 60 ngày.
keywords:
  - làm giấy khai sinh
  - lam giay khai sinh
  - khai sinh cho con
category: civil-status
where: UBND xã [1].
online: https://dichvucong.gov.vn
fee: Miễn phí nếu đúng hạn [1].
duration: 1 ngày làm việc [1].
deadline: 60 ngày [1].
legal_basis:
  - Luật Hộ tịch 60/2014/QH13
sources:
  - https://dichvucong.gov.vn/a
updated: 2026-11-22
---

## Giấy tờ cần mang

- Tờ khai [1]
- Giấy chứng sinh [1]

## Các bước

1. Nộp hồ sơ ở xã [1].

## Lưu ý

- Hỏi cán bộ xã.
`

const categoriesYAML = `- id: civil-status
  title:
    vi: Hộ tịch
`

// contentFS returns a content folder holding the given procedure files,
// keyed by path under procedures/.
func contentFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{
		"categories.yaml": {Data: []byte(categoriesYAML)},
		"glossary.yaml":   {Data: []byte("- vi: khai sinh\n  meaning: đăng ký việc sinh\n  translations: {}\n")},
		"synonyms.yaml":   {Data: []byte("- [đẻ, sinh]\n")},
		"intents.yaml":    {Data: []byte("emergency:\n  vi: [cháy nhà]\n")},
		"alarms.yaml":     {Data: []byte("threshold: 2\ngroups:\n  - {name: fire, intent: emergency, weight: 2, words: {vi: [khói]}}\n")},
	}
	for name, data := range files {
		fsys["procedures/"+name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

func translationOf(vi string) string {
	return `---
title: Sau khai sinh
summary: Ib kab lus.
status: machine
source_digest: ` + Digest([]byte(vi)) + `
updated: 2026-11-22
---

## Giấy tờ cần mang

- Daim ntawv [1]

## Các bước

1. Mus rau xã.

## Lưu ý

- Nug.
`
}

func TestLoadGood(t *testing.T) {
	c, problems := Load(contentFS(map[string]string{
		"birth-registration/vi.md":  goodVI,
		"birth-registration/hmn.md": translationOf(goodVI),
	}))
	if err := problems.Err(); err != nil {
		t.Fatalf("good content refused: %v", err)
	}
	if problems.Count(Warning) != 0 {
		t.Errorf("unexpected warnings: %v", problems)
	}
	p := c.Procedure("birth-registration")
	if p == nil {
		t.Fatal("procedure not loaded")
	}
	vi := p.Text(Vietnamese)
	if got := vi.Sections[Documents].Items; len(got) != 2 || got[0] != "Tờ khai [1]" {
		t.Errorf("documents = %q", got)
	}
	if !strings.HasPrefix(vi.Sections[Steps].Plain, "1. Nộp hồ sơ") {
		t.Errorf("steps plain = %q", vi.Sections[Steps].Plain)
	}
	if p.StatusOf(Hmong) != Machine || p.StatusOf(Tay) != Missing || p.StatusOf(Vietnamese) != Source {
		t.Errorf("statuses: hmn %s tay %s vi %s", p.StatusOf(Hmong), p.StatusOf(Tay), p.StatusOf(Vietnamese))
	}
	if p.Online != "https://dichvucong.gov.vn" || len(p.Sources) != 1 {
		t.Errorf("procedure fields: %+v", p)
	}
}

func TestLoadProblems(t *testing.T) {
	replace := func(old, new string) string { return strings.Replace(goodVI, old, new, 1) }
	tests := []struct {
		name  string
		files map[string]string
		want  string // substring of one problem, with its location
	}{
		{"unknown field", map[string]string{"a/vi.md": replace("category:", "colour: red\ncategory:")}, "procedures/a/vi.md:8: error: unknown field \"colour\""},
		{"duplicate field", map[string]string{"a/vi.md": replace("category:", "title: Again\ncategory:")}, "field \"title\" appears twice"},
		{"missing field", map[string]string{"a/vi.md": replace("fee: Miễn phí nếu đúng hạn [1].\n", "")}, "missing required field \"fee\""},
		{"bad url", map[string]string{"a/vi.md": replace("https://dichvucong.gov.vn/a", "dichvucong.gov.vn/a")}, "is not a full web address"},
		{"uncited fee", map[string]string{"a/vi.md": replace("fee: Miễn phí nếu đúng hạn [1].", "fee: 50.000 đồng")}, "fee states facts without a source"},
		{"citation out of range", map[string]string{"a/vi.md": replace("- Tờ khai [1]", "- Tờ khai [7]")}, "citation [7] has no source"},
		{"missing section", map[string]string{"a/vi.md": replace("## Lưu ý\n\n- Hỏi cán bộ xã.\n", "")}, "missing section \"## Lưu ý\""},
		{"unknown section", map[string]string{"a/vi.md": replace("## Lưu ý", "## Ghi chép")}, "unknown section \"Ghi chép\""},
		{"empty section", map[string]string{"a/vi.md": replace("1. Nộp hồ sơ ở xã [1].", "")}, "section \"Các bước\" is empty"},
		{"empty body", map[string]string{"a/vi.md": goodVI[:strings.Index(goodVI, "## Giấy")]}, "the body is empty"},
		{"no front matter", map[string]string{"a/vi.md": "# Khai sinh\n"}, "must start with a front matter block"},
		{"unclosed front matter", map[string]string{"a/vi.md": "---\ntitle: x\n"}, "front matter block is not closed"},
		{"bad yaml", map[string]string{"a/vi.md": replace("title: Đăng ký khai sinh", "title: [oops")}, "not valid YAML"},
		{"bad date", map[string]string{"a/vi.md": replace("updated: 2026-11-22", "updated: 22/11/2026")}, "write it as YYYY-MM-DD"},
		{"unknown category", map[string]string{"a/vi.md": replace("category: civil-status", "category: weather")}, "unknown category \"weather\""},
		{"unknown language file", map[string]string{"a/vi.md": goodVI, "a/en.md": goodVI}, "procedures/a/en.md: error: unknown file"},
		{"missing vi", map[string]string{"a/hmn.md": translationOf(goodVI)}, "missing vi.md"},
		{"bad id", map[string]string{"Birth_Reg/vi.md": goodVI}, "is not a valid id"},
		{"stale translation", map[string]string{"a/vi.md": goodVI, "a/hmn.md": translationOf(goodVI + "x")}, "warning: stale"},
		{"translation with vi-only field", map[string]string{"a/vi.md": goodVI, "a/hmn.md": strings.Replace(translationOf(goodVI), "status:", "category: civil-status\nstatus:", 1)}, "belongs in vi.md only"},
		{"bad status", map[string]string{"a/vi.md": goodVI, "a/hmn.md": strings.Replace(translationOf(goodVI), "status: machine", "status: checked", 1)}, "unknown status \"checked\""},
		{"reviewed without reviewer", map[string]string{"a/vi.md": goodVI, "a/hmn.md": strings.Replace(translationOf(goodVI), "status: machine", "status: reviewed", 1)}, "reviewed_by is empty"},
		{"duplicate title", map[string]string{"a/vi.md": goodVI, "b/vi.md": goodVI}, "is already used by a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := Load(contentFS(tt.files))
			var all []string
			for _, p := range problems {
				all = append(all, p.String())
			}
			joined := strings.Join(all, "\n")
			if !strings.Contains(joined, tt.want) {
				t.Errorf("want a problem containing %q; got:\n%s", tt.want, joined)
			}
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	bad := strings.Replace(goodVI, "category:", "colour: red\ncategory:", 1)
	bad = strings.Replace(bad, "https://dichvucong.gov.vn/a", "not-a-url", 1)
	_, problems := Load(contentFS(map[string]string{"a/vi.md": bad, "b/vi.md": "nothing"}))
	if n := problems.Count(Error); n < 3 {
		t.Errorf("got %d errors, want every one of at least 3: %v", n, problems)
	}
}

func FuzzLoadProcedure(f *testing.F) {
	f.Add(goodVI)
	f.Add(translationOf(goodVI))
	f.Add("---\n---\n")
	f.Add("---\ntitle: [\n---\n## Các bước\n")
	// Dated content: versions of a section, a whole file, and broken dates.
	f.Add(datedVI)
	f.Add(datedTranslation())
	f.Add(strings.Replace(goodVI, "updated: 2026-11-22", "updated: 2026-11-22\nvalid_from: 2027-03-01\nvalid_until: 2030-12-31", 1))
	f.Add(strings.Replace(datedVI, "2027-01-01", "2027-1-1", 1))
	f.Add("---\n---\n## Lưu ý\n<!-- valid_from: 2027-01-01, valid_until: 2026-12-31 -->\n<!-- valid_until: x -->\n")
	f.Fuzz(func(t *testing.T, src string) {
		c, problems := Load(contentFS(map[string]string{"a/vi.md": src, "a/tay.md": src}), AsOf(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)))
		if problems.Err() == nil && c.Procedure("a") == nil {
			t.Fatal("no errors but no procedure")
		}
		for _, p := range problems {
			if p.File == "" || p.Message == "" {
				t.Fatalf("problem without location or message: %+v", p)
			}
		}
		if problems.Err() != nil {
			return
		}
		// Valid content has, on every day it is in force, one version of
		// each section.
		p := c.Procedure("a")
		for _, day := range []time.Time{{}, time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)} {
			if at := p.At(day); at != nil && len(at.Text(Vietnamese).Sections) != len(SectionKeys()) {
				t.Fatalf("%v: sections %v", day, at.Text(Vietnamese).Sections)
			}
		}
	})
}

func TestTranslationFigures(t *testing.T) {
	vi := strings.Replace(goodVI, "fee: Miễn phí nếu đúng hạn [1].", "fee: 30.000 đồng, nộp trên mạng 15.000 đồng [1].", 1)
	good := strings.Replace(translationOf(vi), "title: Sau khai sinh", "title: Sau khai sinh\nfee: 30,000 nyiaj, online 15.000 [1]", 1)
	bad := strings.Replace(translationOf(vi), "title: Sau khai sinh", "title: Sau khai sinh\nfee: 50.000 nyiaj [1]", 1)
	badStep := strings.Replace(translationOf(vi), "1. Mus rau xã.", "1. Mus rau xã hauv 5 hnub.", 1)
	_, problems := Load(contentFS(map[string]string{"a/vi.md": vi, "a/hmn.md": good}))
	if err := problems.Err(); err != nil {
		t.Errorf("equal figures refused: %v", err)
	}
	for name, tr := range map[string]string{"fee": bad, "step": badStep} {
		_, problems = Load(contentFS(map[string]string{"a/vi.md": vi, "a/hmn.md": tr}))
		joined := fmt.Sprint(problems)
		if problems.Err() == nil || !strings.Contains(joined, "figures must equal the Vietnamese") {
			t.Errorf("%s: wrong figure accepted: %v", name, problems)
		}
	}
}

func TestGlossaryCheck(t *testing.T) {
	fsys := contentFS(map[string]string{"a/vi.md": goodVI, "a/hmn.md": translationOf(goodVI)})
	fsys["glossary.yaml"] = &fstest.MapFile{Data: []byte("- vi: khai sinh\n  meaning: x\n  translations: {hmn: {text: sau npe yug, status: machine}}\n- vi: sổ đỏ\n  meaning: y\n  translations: {hmn: {text: daim ntawv av, status: machine}}\n")}
	_, problems := Load(fsys)
	joined := fmt.Sprint(problems)
	if !strings.Contains(joined, `glossary: vi.md says "khai sinh"; use the glossary's "sau npe yug"`) {
		t.Errorf("missing glossary term not warned: %s", joined)
	}
	if strings.Contains(joined, "sổ đỏ") {
		t.Errorf("a term absent from vi.md warned: %s", joined)
	}
	good := strings.Replace(translationOf(goodVI), "summary: Ib kab lus.", "summary: Ib kab lus sau npe yug.", 1)
	fsys2 := contentFS(map[string]string{"a/vi.md": goodVI, "a/hmn.md": good})
	fsys2["glossary.yaml"] = fsys["glossary.yaml"]
	if _, problems = Load(fsys2); strings.Contains(fmt.Sprint(problems), "glossary") {
		t.Errorf("the glossary's word was used, still warned: %v", problems)
	}
}
