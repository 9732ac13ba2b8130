package locales

import (
	"encoding/json"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// phoneNumber matches a number an emergency message tells people to call:
// three digits (113), or a longer number in groups (096 306 1414).
var phoneNumber = regexp.MustCompile(`\b\d{3}(?:[ .]\d{3,4}){0,2}\b`)

// Every number an emergency message gives, in every language, is one whose
// source is recorded in content/hotlines.yaml: a wrong number there sends
// someone in danger nowhere.
func TestEmergencyNumbersHaveSources(t *testing.T) {
	data, err := os.ReadFile("../content/hotlines.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var lines []struct {
		Number  string   `yaml:"number"`
		Sources []string `yaml:"sources"`
	}
	if err := yaml.Unmarshal(data, &lines); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, l := range lines {
		if len(l.Sources) == 0 {
			t.Errorf("hotlines.yaml: %s has no source", l.Number)
		}
		known[l.Number] = true
	}
	files, _ := fs.Glob(FS(), "*.json")
	for _, name := range files {
		raw, _ := fs.ReadFile(FS(), name)
		var f struct{ Messages map[string]string }
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatal(err)
		}
		for id, text := range f.Messages {
			if !strings.HasPrefix(id, "emergency") {
				continue
			}
			for _, n := range phoneNumber.FindAllString(text, -1) {
				if !known[n] && !strings.HasPrefix(n, "20") { // years (2022) are not numbers to call
					t.Errorf("%s %s gives %q, which content/hotlines.yaml does not list", name, id, n)
				}
			}
		}
	}
}
