package knowledge

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// Recording is a person reading a procedure aloud, shipped with the
// content as procedures/<id>/audio/<lang>.ogg (the card) or
// <lang>-<section>.ogg (one section): OGG/Opus, as chat apps play voice
// notes. A recording is preferred over every machine voice.
type Recording struct {
	Lang    Lang
	Section SectionKey // "" for the card
	File    string     // its path in the content
	Seconds float64
	Digest  string // of the file: a new recording is uploaded anew
}

// Recording returns the recording of the card (section "") or of a
// section in lang, if there is one.
func (p *Procedure) Recording(lang Lang, section SectionKey) (Recording, bool) {
	for _, r := range p.Recordings {
		if r.Lang == lang && r.Section == section {
			return r, true
		}
	}
	return Recording{}, false
}

// Audio returns the bytes of a recording shipped with the content.
func (c *Content) Audio(r Recording) ([]byte, error) {
	if c.fsys == nil {
		return nil, fmt.Errorf("read recording %s: no content folder", r.File)
	}
	data, err := fs.ReadFile(c.fsys, r.File)
	if err != nil {
		return nil, fmt.Errorf("read recording: %s", describeFSError(err))
	}
	return data, nil
}

// loadRecordings reads the audio folder of a procedure.
func loadRecordings(fsys fs.FS, dir string, problems *Problems) []Recording {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		problemList{all: problems, file: dir}.errorf(0, "cannot read folder: %s", describeFSError(err))
		return nil
	}
	var out []Recording
	for _, e := range entries {
		file := path.Join(dir, e.Name())
		pl := problemList{all: problems, file: file}
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		base, ok := strings.CutSuffix(e.Name(), ".ogg")
		code, section, _ := strings.Cut(base, "-")
		lang := Lang(code)
		if e.IsDir() || !ok || !lang.Valid() || section != "" && !validSection(SectionKey(section)) {
			pl.errorf(0, "unknown file: an audio folder holds <lang>.ogg or <lang>-<section>.ogg (vi.ogg, hmn-documents.ogg; sections: documents, steps, notes)")
			continue
		}
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			pl.errorf(0, "cannot read: %s", describeFSError(err))
			continue
		}
		secs := OggSeconds(data)
		if !bytes.HasPrefix(data, []byte("OggS")) || secs <= 0 {
			pl.errorf(0, "not OGG/Opus audio: convert it with ffmpeg -i in.m4a -ac 1 -ar 48000 -c:a libopus out.ogg")
			continue
		}
		out = append(out, Recording{Lang: lang, Section: SectionKey(section), File: file, Seconds: secs, Digest: Digest(data)})
	}
	return out
}

func validSection(s SectionKey) bool {
	for _, k := range SectionKeys() {
		if k == s {
			return true
		}
	}
	return false
}

// OggSeconds is the length of OGG/Opus audio: the last page's granule
// position, in 48 kHz samples; 0 when it cannot tell.
func OggSeconds(audio []byte) float64 {
	i := bytes.LastIndex(audio, []byte("OggS"))
	if i < 0 || i+14 > len(audio) {
		return 0
	}
	var granule uint64
	for k := 7; k >= 0; k-- {
		granule = granule<<8 | uint64(audio[i+6+k])
	}
	if granule == 0 || granule == ^uint64(0) {
		return 0
	}
	return float64(granule) / 48000
}
