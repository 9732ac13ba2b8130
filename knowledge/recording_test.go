package knowledge

import (
	"encoding/binary"
	"strings"
	"testing"
)

// oggOf makes the bytes of an OGG page whose granule says seconds of
// 48 kHz audio: enough for the loader, which reads only that.
func oggOf(seconds float64) []byte {
	page := append([]byte("OggS\x00\x04"), make([]byte, 8+16)...)
	binary.LittleEndian.PutUint64(page[6:], uint64(seconds*48000))
	return page
}

func TestRecordings(t *testing.T) {
	fsys := contentFS(map[string]string{
		"birth/vi.md":                goodVI,
		"birth/audio/hmn.ogg":        string(oggOf(12.5)),
		"birth/audio/vi-steps.ogg":   string(oggOf(3)),
		"birth/audio/xx.ogg":         string(oggOf(1)),
		"birth/audio/vi-nothing.ogg": string(oggOf(1)),
		"birth/audio/tay.ogg":        "ID3 an mp3 renamed",
		"birth/audio/notes.txt":      "",
	})
	c, problems := Load(fsys)
	p := c.Procedure("birth")
	if p == nil {
		t.Fatal(problems)
	}
	if r, ok := p.Recording(Hmong, ""); !ok || r.Seconds != 12.5 || r.File != "procedures/birth/audio/hmn.ogg" || r.Digest == "" {
		t.Errorf("hmn card recording: %+v %v", r, ok)
	}
	if _, ok := p.Recording(Vietnamese, Steps); !ok {
		t.Error("the Vietnamese steps recording is missing")
	}
	if len(p.Recordings) != 2 {
		t.Errorf("%d recordings, want 2: %+v", len(p.Recordings), p.Recordings)
	}
	text := ""
	for _, pr := range problems {
		text += pr.String() + "\n"
	}
	for _, want := range []string{"xx.ogg: error: unknown file", "vi-nothing.ogg: error: unknown file", "tay.ogg: error: not OGG/Opus", "notes.txt: error: unknown file"} {
		if !strings.Contains(text, want) {
			t.Errorf("no problem %q in:\n%s", want, text)
		}
	}
	if data, err := c.Audio(p.Recordings[0]); err != nil || len(data) == 0 {
		t.Errorf("audio of a recording: %d bytes, %v", len(data), err)
	}
}

func FuzzOggSeconds(f *testing.F) {
	f.Add(oggOf(3))
	f.Add([]byte("OggS"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		if s := OggSeconds(data); s < 0 {
			t.Errorf("negative length %v", s)
		}
	})
}
