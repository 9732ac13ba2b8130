package locales

import (
	"strings"
	"testing"
	"testing/fstest"
)

// Every shipped language must translate every message Vietnamese has.
func TestShippedLocalesComplete(t *testing.T) {
	c, err := Load(FS())
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range c.Langs() {
		if miss := c.Missing(lang); len(miss) > 0 {
			t.Errorf("%s.json lacks %d message(s) Vietnamese has: %s", lang, len(miss), strings.Join(miss, ", "))
		}
		if status, _, _ := c.Status(lang); status == "" {
			t.Errorf("%s.json has no status", lang)
		}
	}
}

func TestFallbackAndCarrierTags(t *testing.T) {
	fsys := fstest.MapFS{
		"vi.json":  {Data: []byte(`{"lang":"vi","status":"reviewed","reviewed_by":"x","messages":{"hi":"Xin chào {{.Name}}","bye":"Tạm biệt"}}`)},
		"hmn.json": {Data: []byte(`{"lang":"hmn","status":"machine","messages":{"hi":"Nyob zoo {{.Name}}"}}`)},
		"tay.json": {Data: []byte(`{"lang":"tay","status":"machine","messages":{"hi":"Pây tâư {{.Name}}"}}`)},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ lang, id, want string }{
		{"hmn", "hi", "Nyob zoo A"},
		{"tay", "hi", "Pây tâư A"}, // two private-use languages stay apart
		{"hmn", "bye", "Tạm biệt"}, // missing message falls back to Vietnamese
		{"giay", "hi", "Xin chào A"},
		{"vi", "nope", "nope"},
	}
	for _, tt := range tests {
		if got := c.Text(tt.lang, tt.id, map[string]any{"Name": "A"}); got != tt.want {
			t.Errorf("Text(%s, %s) = %q, want %q", tt.lang, tt.id, got, tt.want)
		}
	}
	if miss := c.Missing("hmn"); len(miss) != 1 || miss[0] != "bye" {
		t.Errorf("Missing(hmn) = %v", miss)
	}
}

func TestSameAsVietnamese(t *testing.T) {
	fsys := fstest.MapFS{
		"vi.json":  {Data: []byte(`{"lang":"vi","status":"reviewed","messages":{"hi":"Xin chào","lang":"Tiếng Việt","bye":"Tạm biệt"}}`)},
		"tay.json": {Data: []byte(`{"lang":"tay","status":"machine","messages":{"hi":"Pây tâư","lang":"Tiếng Việt"}}`)},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.SameAsVietnamese("tay"); len(got) != 1 || got[0] != "lang" {
		t.Errorf("SameAsVietnamese(tay) = %v, want [lang]", got)
	}
	if got := c.SameAsVietnamese("vi"); got != nil {
		t.Errorf("SameAsVietnamese(vi) = %v", got)
	}
}

func TestLoadRejects(t *testing.T) {
	tests := map[string]fstest.MapFS{
		"no vi":       {"hmn.json": {Data: []byte(`{"lang":"hmn","status":"machine","messages":{}}`)}},
		"bad status":  {"vi.json": {Data: []byte(`{"lang":"vi","status":"ok","messages":{}}`)}},
		"wrong lang":  {"vi.json": {Data: []byte(`{"lang":"hmn","status":"reviewed","messages":{}}`)}},
		"not json":    {"vi.json": {Data: []byte(`{`)}},
		"extra field": {"vi.json": {Data: []byte(`{"lang":"vi","status":"reviewed","messages":{},"x":1}`)}},
	}
	for name, fsys := range tests {
		if _, err := Load(fsys); err == nil {
			t.Errorf("%s: loaded without error", name)
		}
	}
}
