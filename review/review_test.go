package review

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"loa/knowledge"
)

const viText = `---
title: Khai sinh
summary: Đăng ký cho trẻ trong 60 ngày.
keywords: [khai sinh, lam khai sinh, giay khai sinh]
category: civil-status
where: UBND xã [1].
fee: 30.000 đồng [1].
duration: 1 ngày [1].
legal_basis: [Luật]
sources: ["https://example.gov.vn/a"]
updated: 2026-11-22
---

## Giấy tờ cần mang

- Tờ khai [1]

## Các bước

1. Nộp ở xã [1]

## Lưu ý

- Hỏi cán bộ xã.
`

func hmnText(digest string) string {
	return `---
title: Sau npe menyuam
summary: Sau npe hauv 60 hnub.
where: UBND xã [1].
fee: 30.000 nyiaj [1].
duration: 1 hnub [1].
updated: 2026-11-22
status: machine
source_digest: ` + digest + `
---

## Giấy tờ cần mang

- Ntawv [1]

## Các bước

1. Mus rau xã [1]

## Lưu ý

- Nug.
`
}

// contentDir writes a content folder with one procedure and its H'Mông text.
func contentDir(t *testing.T, hmn string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"categories.yaml":        "- id: civil-status\n  title: {vi: Hộ tịch}\n",
		"glossary.yaml":          "[]\n",
		"synonyms.yaml":          "[]\n",
		"intents.yaml":           "emergency:\n  vi: [cháy nhà]\n",
		"procedures/birth/vi.md": viText,
	}
	if hmn != "" {
		files["procedures/birth/hmn.md"] = hmn
	}
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func load(t *testing.T, dir string) *knowledge.Content {
	t.Helper()
	c, problems := knowledge.Load(os.DirFS(dir))
	if err := problems.Err(); err != nil {
		t.Fatal(err)
	}
	return c
}

func decide(field string, action Action, text string, digest string, at int) Decision {
	return Decision{At: time.Unix(int64(at), 0), Reviewer: "telegram:1", ReviewerName: "Vàng A Pó", Procedure: "birth", Lang: knowledge.Hmong, Field: field, Action: action, Text: text, SourceDigest: digest}
}

func TestNextAndProgress(t *testing.T) {
	digest := knowledge.Digest([]byte(viText))
	c := load(t, contentDir(t, hmnText(digest)))
	item, prog, ok := Next(c, knowledge.Hmong, nil)
	if !ok || item.Field != "title" || prog.Total != 8 || prog.Checked != 0 {
		t.Fatalf("first item %+v, progress %v", item, prog)
	}
	if item.VI != "Khai sinh" || item.Current != "Sau npe menyuam" {
		t.Errorf("item shows %q beside %q", item.VI, item.Current)
	}
	ds := []Decision{decide("title", Approve, "", digest, 1), decide("summary", Skip, "", digest, 2)}
	item, prog, _ = Next(c, knowledge.Hmong, ds)
	if item.Field != "where" || prog.Checked != 1 {
		t.Errorf("after approve and skip: %s, %v", item.Field, prog)
	}
	// Decisions on an older vi.md do not count.
	old := []Decision{decide("title", Approve, "", "0000000000000000", 1)}
	if item, _, _ = Next(c, knowledge.Hmong, old); item.Field != "title" {
		t.Errorf("a decision on an old vi.md counted: next is %s", item.Field)
	}
}

func TestApply(t *testing.T) {
	digest := knowledge.Digest([]byte(viText))
	dir := contentDir(t, hmnText(digest))
	var ds []Decision
	for i, f := range Fields() {
		switch f {
		case "deadline":
		case "fee":
			ds = append(ds, decide(f, Correct, "Them 30.000 nyiaj [1].", digest, i))
		case "steps":
			ds = append(ds, decide(f, Correct, "1. Mus rau UBND xã [1]\n2. Tos", digest, i))
		default:
			ds = append(ds, decide(f, Approve, "", digest, i))
		}
	}
	rep, err := Apply(dir, ds)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Applied != 2 || len(rep.Reviewed) != 1 || len(rep.Held) != 0 {
		t.Fatalf("report %+v", rep)
	}
	c := load(t, dir)
	tr := c.Procedure("birth").Text(knowledge.Hmong)
	if tr.Fee != "Them 30.000 nyiaj [1]." || !strings.Contains(tr.Sections[knowledge.Steps].Plain, "Tos") {
		t.Errorf("corrections not written: fee %q, steps %q", tr.Fee, tr.Sections[knowledge.Steps].Plain)
	}
	if c.Procedure("birth").StatusOf(knowledge.Hmong) != knowledge.Reviewed || tr.ReviewedBy != "Vàng A Pó" {
		t.Errorf("status %s, reviewed_by %q", c.Procedure("birth").StatusOf(knowledge.Hmong), tr.ReviewedBy)
	}
}

func TestApplyHolds(t *testing.T) {
	digest := knowledge.Digest([]byte(viText))
	dir := contentDir(t, hmnText(digest))
	rep, err := Apply(dir, []Decision{decide("fee", Correct, "Them 50.000 nyiaj [1].", digest, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Applied != 0 || len(rep.Held) != 1 || !strings.Contains(rep.Held[0], "figures differ") {
		t.Errorf("a correction with a wrong figure was not held: %+v", rep)
	}

	staleDir := contentDir(t, hmnText("0000000000000000"))
	rep, err = Apply(staleDir, []Decision{decide("fee", Correct, "Them 30.000 nyiaj [1].", digest, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Applied != 0 || len(rep.Held) != 1 || !strings.Contains(rep.Held[0], "Vietnamese changed") {
		t.Errorf("a correction to a stale translation was not held: %+v", rep)
	}
	if data, _ := os.ReadFile(filepath.Join(staleDir, "procedures/birth/hmn.md")); string(data) != hmnText("0000000000000000") {
		t.Error("a held correction changed the file")
	}
}

func TestParseReviewers(t *testing.T) {
	r, err := ParseReviewers("123:hmn, 456:tay dao\n# comment\n789:ium")
	if err != nil || len(r["telegram:123"]) != 1 || len(r["telegram:456"]) != 2 || r["telegram:789"][0] != knowledge.Dao {
		t.Fatalf("%v %v", r, err)
	}
	for _, bad := range []string{"abc:hmn", "123", "123:vi", "123:fr"} {
		if _, err := ParseReviewers(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// A volunteer can write a missing translation piece by piece; it becomes a
// draft once every piece is written.
func TestApplyCreatesDraft(t *testing.T) {
	digest := knowledge.Digest([]byte(viText))
	dir := contentDir(t, "")
	c := load(t, dir)
	if item, prog, ok := Next(c, knowledge.Tay, nil); !ok || prog.Total != 8 || item.Current != "" {
		t.Fatalf("missing translation not offered for writing: %+v %v", item, prog)
	}
	pieces := map[string]string{
		"title": "Khai sinh (Tày)", "summary": "Đăng ký hẩư lục 60 ngày.", "where": "UBND xã [1].",
		"fee": "30.000 đồng [1].", "duration": "1 ngày [1].", "documents": "- Tờ khai [1]",
		"steps": "1. Pây xã [1]", "notes": "- Slam cán bộ xã.",
	}
	var ds []Decision
	i := 0
	for f, text := range pieces {
		if f == "notes" {
			continue
		}
		d := decide(f, Correct, text, digest, i)
		d.Lang = knowledge.Tay
		ds = append(ds, d)
		i++
	}
	rep, err := Apply(dir, ds)
	if err != nil || len(rep.Created) != 0 || len(rep.Held) != 1 || !strings.Contains(rep.Held[0], "still missing notes") {
		t.Fatalf("an incomplete translation: %+v %v", rep, err)
	}
	d := decide("notes", Correct, pieces["notes"], digest, 99)
	d.Lang = knowledge.Tay
	rep, err = Apply(dir, append(ds, d))
	if err != nil || len(rep.Created) != 1 {
		t.Fatalf("complete translation not created: %+v %v", rep, err)
	}
	p := load(t, dir).Procedure("birth")
	if p.StatusOf(knowledge.Tay) != knowledge.Draft || p.Text(knowledge.Tay).Title != "Khai sinh (Tày)" {
		t.Errorf("created translation: status %s, title %q", p.StatusOf(knowledge.Tay), p.Text(knowledge.Tay).Title)
	}
}
