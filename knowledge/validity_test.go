package knowledge

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Examples of dated content, for these tests only (invented figures): the
// fee note of a 50% cut that runs to 31/12/2026, then the full fee.
const (
	oldFeeNote = "## Lưu ý\n<!-- valid_until: 2026-12-31 -->\n\n- Đến hết 31/12/2026 lệ phí giảm 50%, còn 10.000 đồng [1].\n"
	newFeeNote = "## Lưu ý\n<!-- valid_from: 2027-01-01 -->\n\n- Từ 1/1/2027 lệ phí 20.000 đồng [1].\n"
)

// datedVI is goodVI with its notes in two versions.
var datedVI = strings.Replace(goodVI, "## Lưu ý\n\n- Hỏi cán bộ xã.\n", oldFeeNote+"\n"+newFeeNote, 1)

// datedTranslation is a translation of datedVI dated as it is.
func datedTranslation() string {
	return strings.Replace(translationOf(datedVI), "## Lưu ý\n\n- Nug.\n",
		"## Lưu ý\n<!-- valid_until: 2026-12-31 -->\n\n- Txog 31/12/2026 them 50%, 10.000 nyiaj [1].\n\n"+
			"## Lưu ý\n<!-- valid_from: 2027-01-01 -->\n\n- Txij 1/1/2027 them 20.000 nyiaj [1].\n", 1)
}

// vn is a time in Vietnam (UTC+7).
func vn(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04 -0700", s+" +0700")
	if err != nil {
		panic(err)
	}
	return t
}

func mustLoad(t *testing.T, files map[string]string, opts ...LoadOption) (*Content, Problems) {
	t.Helper()
	c, problems := Load(contentFS(files), opts...)
	if err := problems.Err(); err != nil {
		t.Fatalf("content refused: %v", err)
	}
	return c, problems
}

// A dated fact switches on its day, in Vietnam's time, in every language.
func TestDatedSectionSwitchesOnItsDay(t *testing.T) {
	c, problems := mustLoad(t, map[string]string{"a/vi.md": datedVI, "a/hmn.md": datedTranslation()})
	if n := problems.Count(Warning); n != 0 {
		t.Errorf("warnings: %v", problems)
	}
	p := c.Procedure("a")
	tests := []struct {
		name     string
		at       time.Time
		vi, hmn  string
		hmnShown bool
	}{
		{"the day before", vn("2026-12-31 09:00"), "10.000 đồng", "10.000 nyiaj", true},
		{"the last minute before", vn("2026-12-31 23:59"), "10.000 đồng", "10.000 nyiaj", true},
		{"midnight in Vietnam is 17:00 UTC", time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC), "20.000 đồng", "20.000 nyiaj", true},
		{"on the day", vn("2027-01-01 08:00"), "20.000 đồng", "20.000 nyiaj", true},
		{"years later", vn("2030-06-01 08:00"), "20.000 đồng", "20.000 nyiaj", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := p.At(tt.at)
			if at == nil {
				t.Fatal("procedure not in force")
			}
			for lang, want := range map[Lang]string{Vietnamese: tt.vi, Hmong: tt.hmn} {
				notes := p.TextAt(lang, tt.at).Sections[Notes].Plain
				if !strings.Contains(notes, want) {
					t.Errorf("%s notes = %q, want %q", lang, notes, want)
				}
				if got := at.Best(lang).Sections[Notes].Plain; got != notes {
					t.Errorf("%s: At(t).Best = %q, TextAt = %q", lang, got, notes)
				}
				if got := p.Text(lang).At(tt.at).Sections[Notes].Plain; got != notes {
					t.Errorf("%s: Text.At = %q, TextAt = %q", lang, got, notes)
				}
				if len(at.Text(lang).Sections) != len(SectionKeys()) {
					t.Errorf("%s: sections at %v: %v", lang, tt.at, at.Text(lang).Sections)
				}
			}
			if at.At(vn("2026-06-01 08:00")).Text(Vietnamese).Sections[Notes].Plain != p.TextAt(Vietnamese, vn("2026-06-01 08:00")).Sections[Notes].Plain {
				t.Error("At of a procedure from At does not judge the new time")
			}
			// The guard of the day knows that day's facts only.
			if g := at.Guard("Lệ phí " + tt.vi + "."); g.Cut {
				t.Errorf("guard cut the fact in force: %s", g.Reason)
			}
		})
	}
	if g := p.At(vn("2027-01-02 08:00")).Guard("Lệ phí 10.000 đồng."); !g.Cut {
		t.Error("guard let the expired fee through")
	}
	if p.At(vn("2026-01-01 08:00")) != p.At(vn("2026-12-31 08:00")) {
		t.Error("two days of one span give two procedures: views are not shared")
	}
	if q := c.Procedure("a"); q.Text(Vietnamese).Sections[Notes].Plain != "• Đến hết 31/12/2026 lệ phí giảm 50%, còn 10.000 đồng [1]." || len(q.Text(Vietnamese).Versions[Notes]) != 2 {
		t.Errorf("as loaded: Sections holds the first version, Versions both: %+v", q.Text(Vietnamese).Versions[Notes])
	}
}

// An undated procedure is served as it is, whatever the day.
func TestUndatedProcedureIsItself(t *testing.T) {
	c, _ := mustLoad(t, map[string]string{"a/vi.md": goodVI})
	p := c.Procedure("a")
	for _, at := range []time.Time{{}, vn("1990-01-01 00:00"), vn("2099-12-31 23:59")} {
		if p.At(at) != p || p.Text(Vietnamese).At(at) != p.Text(Vietnamese) {
			t.Errorf("%v: an undated procedure was copied", at)
		}
	}
}

// A procedure whose vi.md starts (or ends) on a day is served only then,
// and search does not find it on the other days.
func TestProcedureServedOnlyInForce(t *testing.T) {
	newLaw := strings.Replace(goodVI, "updated: 2026-11-22", "updated: 2026-11-22\nvalid_from: 2027-03-01", 1)
	abolished := strings.Replace(strings.Replace(goodVI, "updated: 2026-11-22", "updated: 2026-11-22\nvalid_until: 2027-02-28", 1), "title: Đăng ký khai sinh", "title: Đăng ký khai sinh cũ", 1)
	now := vn("2027-02-28 10:00")
	kb, _, err := Open(context.Background(), contentFS(map[string]string{"new/vi.md": newLaw, "old/vi.md": abolished}), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	tests := []struct {
		at      time.Time
		served  string
		hidden  string
		message string
	}{
		{vn("2027-02-28 23:59"), "old", "new", "the day before the new law"},
		{vn("2027-03-01 00:00"), "new", "old", "the day the new law takes effect"},
	}
	for _, tt := range tests {
		t.Run(tt.message, func(t *testing.T) {
			now = tt.at
			c := kb.Content()
			if c.ProcedureAt(tt.served, tt.at) == nil || c.ProcedureAt(tt.hidden, tt.at) != nil {
				t.Errorf("served %v, hidden %v", c.ProcedureAt(tt.served, tt.at) != nil, c.ProcedureAt(tt.hidden, tt.at) == nil)
			}
			if c.Procedure(tt.hidden).TextAt(Vietnamese, tt.at) != nil {
				t.Error("TextAt gives the text of a procedure not in force")
			}
			res, err := kb.Search(context.Background(), "làm giấy khai sinh", Vietnamese)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, h := range res.Hits {
				ids = append(ids, h.ID)
			}
			if len(ids) != 1 || ids[0] != tt.served {
				t.Errorf("hits %v, want only %s", ids, tt.served)
			}
		})
	}
}

// The check's errors about dates, each with its file and line.
func TestDateProblems(t *testing.T) {
	withFront := func(lines string) string {
		return strings.Replace(goodVI, "updated: 2026-11-22", "updated: 2026-11-22\n"+lines, 1)
	}
	withNotes := func(notes string) string {
		return strings.Replace(goodVI, "## Lưu ý\n\n- Hỏi cán bộ xã.\n", notes, 1)
	}
	note := func(comment, text string) string {
		return "## Lưu ý\n" + comment + "\n\n- " + text + "\n\n"
	}
	const file = "procedures/a/vi.md"
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"malformed date in the front matter", map[string]string{"a/vi.md": withFront("valid_from: 1/3/2027")}, file + ":19: error: valid_from: \"1/3/2027\" is not a date"},
		{"until before from in the front matter", map[string]string{"a/vi.md": withFront("valid_from: 2027-03-01\nvalid_until: 2027-02-01")}, file + ":20: error: valid_until 2027-02-01 is before valid_from 2027-03-01"},
		{"dates in a translation", map[string]string{"a/vi.md": goodVI, "a/hmn.md": strings.Replace(translationOf(goodVI), "status:", "valid_from: 2027-03-01\nstatus:", 1)}, "procedures/a/hmn.md:4: error: field \"valid_from\" belongs in vi.md only"},
		{"malformed date in a section", map[string]string{"a/vi.md": withNotes(note("<!-- valid_until: 2026-31-12 -->", "Cũ."))}, file + ":31: error: valid_until: \"2026-31-12\" is not a date"},
		{"until before from in a section", map[string]string{"a/vi.md": withNotes(note("<!-- valid_from: 2027-01-01, valid_until: 2026-12-31 -->", "Cũ."))}, file + ":31: error: valid_until 2026-12-31 is before valid_from 2027-01-01"},
		{"unknown key", map[string]string{"a/vi.md": withNotes(note("<!-- valid_to: 2026-12-31 -->", "Cũ."))}, file + ":31: error: unknown key \"valid_to\""},
		{"unreadable validity line", map[string]string{"a/vi.md": withNotes(note("<!-- valid until the end of 2026 -->", "Cũ."))}, file + ":31: error: cannot read the validity line"},
		{"validity line below the text", map[string]string{"a/vi.md": withNotes("## Lưu ý\n\n- Cũ.\n\n<!-- valid_until: 2026-12-31 -->\n")}, file + ":34: error: a validity line belongs right under a section's heading"},
		{"overlapping versions", map[string]string{"a/vi.md": withNotes(note("<!-- valid_until: 2027-01-01 -->", "Cũ.") + note("<!-- valid_from: 2027-01-01 -->", "Mới."))}, file + ":35: error: section \"Lưu ý\" (from 2027-01-01) overlaps its version on line 30 (until 2027-01-01)"},
		{"two undated versions", map[string]string{"a/vi.md": withNotes(note("", "Cũ.") + note("", "Mới."))}, file + ":35: error: section \"Lưu ý\" appears twice (first on line 30)"},
		{"an undated and a dated version", map[string]string{"a/vi.md": withNotes(note("", "Cũ.") + note("<!-- valid_from: 2027-01-01 -->", "Mới."))}, file + ":35: error: section \"Lưu ý\" (from 2027-01-01) overlaps its version on line 30 (undated)"},
		{"a day without the section", map[string]string{"a/vi.md": withNotes(note("<!-- valid_until: 2026-12-30 -->", "Cũ.") + note("<!-- valid_from: 2027-01-01 -->", "Mới."))}, file + ":35: error: section \"Lưu ý\" has no version in force from 2026-12-31 to 2026-12-31"},
		{"only the new version", map[string]string{"a/vi.md": withNotes(note("<!-- valid_from: 2027-01-01 -->", "Mới."))}, file + ":30: error: section \"Lưu ý\" has no version in force before 2027-01-01: add one with <!-- valid_until: 2026-12-31 -->"},
		{"only the old version", map[string]string{"a/vi.md": withNotes(note("<!-- valid_until: 2026-12-31 -->", "Cũ."))}, file + ":30: error: section \"Lưu ý\" has no version in force after 2026-12-31: add one with <!-- valid_from: 2027-01-01 -->"},
		{"versions apart", map[string]string{"a/vi.md": strings.Replace(withNotes(note("<!-- valid_until: 2026-12-31 -->", "Cũ.")+note("<!-- valid_from: 2027-01-01 -->", "Mới.")), "## Các bước", note("<!-- valid_until: 2026-12-31 -->", "Cũ.")+"## Các bước", 1)}, "is out of order"},
		{"a version never in force", map[string]string{"a/vi.md": strings.Replace(datedVI, "updated: 2026-11-22", "updated: 2026-11-22\nvalid_from: 2027-01-01", 1)}, file + ":31: error: section \"Lưu ý\" (until 2026-12-31) is never in force: the procedure is in force from 2027-01-01"},
		{"a translation dated otherwise", map[string]string{"a/vi.md": datedVI, "a/hmn.md": translationOf(datedVI)}, "procedures/a/hmn.md:17: error: section \"Lưu ý\" has versions [undated], vi.md [until 2026-12-31; from 2027-01-01]"},
		{"a translation's old version with another figure", map[string]string{"a/vi.md": datedVI, "a/hmn.md": strings.Replace(datedTranslation(), "10.000 nyiaj", "15.000 nyiaj", 1)}, "procedures/a/hmn.md:17: error: section \"Lưu ý\" has 15000, which vi.md does not"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := Load(contentFS(tt.files))
			if !strings.Contains(fmt.Sprint(problems), tt.want) {
				t.Errorf("want a problem containing %q; got:\n%s", tt.want, strings.ReplaceAll(fmt.Sprint(problems), "} {", "}\n{"))
			}
		})
	}
}

// From the day after a valid_until, the check warns that the expired
// version or procedure is still in the content.
func TestExpiredContentWarned(t *testing.T) {
	abolished := strings.Replace(goodVI, "updated: 2026-11-22", "updated: 2026-11-22\nvalid_until: 2027-02-28", 1)
	tests := []struct {
		name  string
		files map[string]string
		opts  []LoadOption
		want  []string // every warning, as printed
	}{
		{"no clock, no judgement", map[string]string{"a/vi.md": datedVI}, nil, nil},
		{"its last day", map[string]string{"a/vi.md": datedVI, "a/hmn.md": datedTranslation()}, []LoadOption{AsOf(vn("2026-12-31 23:59"))}, nil},
		{"the day after", map[string]string{"a/vi.md": datedVI, "a/hmn.md": datedTranslation()}, []LoadOption{AsOf(vn("2027-01-01 00:00"))}, []string{
			"procedures/a/hmn.md:18: warning: expired: section \"Lưu ý\" (until 2026-12-31) has not been served since 2027-01-01; remove it, the next version is in force",
			"procedures/a/vi.md:31: warning: expired: section \"Lưu ý\" (until 2026-12-31) has not been served since 2027-01-01; remove it, the next version is in force",
		}},
		{"a procedure abolished", map[string]string{"a/vi.md": abolished}, []LoadOption{AsOf(vn("2027-03-01 08:00"))}, []string{
			"procedures/a/vi.md:19: warning: expired: this procedure has not been served since 2027-03-01 (valid_until 2027-02-28); remove its folder",
		}},
		{"a procedure on its last day", map[string]string{"a/vi.md": abolished}, []LoadOption{AsOf(vn("2027-02-28 08:00"))}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := mustLoad(t, tt.files, tt.opts...)
			var got []string
			for _, p := range problems {
				got = append(got, p.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestValidityComment(t *testing.T) {
	d := func(s string) time.Time { t, _ := parseDate(s); return t }
	tests := []struct {
		comment string
		want    Validity
		dating  bool
		errs    int
	}{
		{"<!-- a note for editors -->", Validity{}, false, 0},
		{"<!-- valid_from: 2027-01-01 -->", Validity{From: d("2027-01-01")}, true, 0},
		{"<!--valid_until:2026-12-31-->", Validity{Until: d("2026-12-31")}, true, 0},
		{"<!-- valid_from: 2026-01-01, valid_until: 2026-12-31 -->", Validity{From: d("2026-01-01"), Until: d("2026-12-31")}, true, 0},
		{"<!-- valid_from: 2026-01-01\n     valid_until: 2026-12-31 -->", Validity{From: d("2026-01-01"), Until: d("2026-12-31")}, true, 0},
		{"<!-- valid_from: 2026-01-01 valid_from: 2026-02-01 -->", Validity{}, true, 1},
		{"<!-- validity -->", Validity{}, true, 1},
		{"<!-- valid_from: 2026-02-30 -->", Validity{}, true, 1},
	}
	for _, tt := range tests {
		var problems Problems
		v, dating := validityComment(tt.comment, 7, problemList{all: &problems, file: "f"})
		if v != tt.want || dating != tt.dating || len(problems) != tt.errs {
			t.Errorf("%q: %v %v %v, want %v %v and %d problem(s)", tt.comment, v, dating, problems, tt.want, tt.dating, tt.errs)
		}
	}
}
