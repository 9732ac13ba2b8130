package review

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"loa/knowledge"
)

// A correction replaces a section's text and keeps the validity line that
// dates it.
func TestReplaceSectionKeepsValidity(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"undated", "## Các bước\n\n1. Cũ\n\n## Lưu ý\n\n- Hỏi\n", "## Các bước\n\n1. Mới\n\n## Lưu ý\n\n- Hỏi\n"},
		{"dated", "## Các bước\n<!-- valid_until: 2026-12-31 -->\n\n1. Cũ\n\n## Các bước\n<!-- valid_from: 2027-01-01 -->\n\n1. Sau\n", "## Các bước\n<!-- valid_until: 2026-12-31 -->\n\n1. Mới\n\n## Các bước\n<!-- valid_from: 2027-01-01 -->\n\n1. Sau\n"},
		{"dated, after a blank line", "## Các bước\n\n<!-- valid_until: 2026-12-31 -->\n1. Cũ\n", "## Các bước\n\n<!-- valid_until: 2026-12-31 -->\n\n1. Mới\n"},
		{"an ordinary comment is text", "## Các bước\n<!-- ghi chú -->\n1. Cũ\n", "## Các bước\n\n1. Mới\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := replaceSection(tt.text, knowledge.Steps, "1. Mới")
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v\nwant %q", got, err, tt.want)
			}
		})
	}
}

// A translation whose Vietnamese has dated versions is not marked reviewed
// by approving what /review showed: it shows the first version only.
func TestApplyDatedNotReviewed(t *testing.T) {
	dates := func(text, old, newer string) string {
		return strings.Replace(text, "## Lưu ý\n\n"+old+"\n", "## Lưu ý\n<!-- valid_until: 2026-12-31 -->\n\n"+old+"\n\n## Lưu ý\n<!-- valid_from: 2027-01-01 -->\n\n"+newer+"\n", 1)
	}
	vi := dates(viText, "- Hỏi cán bộ xã.", "- Hỏi cán bộ xã, sau ngày 1.")
	digest := knowledge.Digest([]byte(vi))
	dir := contentDir(t, dates(hmnText(digest), "- Nug.", "- Nug, tom qab hnub 1."))
	if err := os.WriteFile(filepath.Join(dir, "procedures", "birth", "vi.md"), []byte(vi), 0o644); err != nil {
		t.Fatal(err)
	}
	var ds []Decision
	for i, f := range Fields() {
		ds = append(ds, decide(f, Approve, "", digest, i))
	}
	rep, err := Apply(dir, ds)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Reviewed) != 0 || len(rep.Held) != 1 || !strings.Contains(rep.Held[0], "dated versions") {
		t.Errorf("report %+v", rep)
	}
	if st := load(t, dir).Procedure("birth").StatusOf(knowledge.Hmong); st != knowledge.Machine {
		t.Errorf("status %s, want machine", st)
	}
}
