package telegram

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io/fs"
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"loa/bot"
	"loa/bot/telegramtest"
	"loa/content"
	"loa/knowledge"
	"loa/llm/llmtest"
	"loa/speech"
)

// spokenOgg makes a real OGG/Opus voice note of text with espeak-ng and
// ffmpeg, as a phone would send it; the test skips without them.
func spokenOgg(t testing.TB, text string) []byte {
	t.Helper()
	for _, tool := range []string{"espeak-ng", "ffmpeg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (apt-get install espeak-ng ffmpeg): the voice tests need a real voice note", tool)
		}
	}
	wav, err := exec.Command("espeak-ng", "-v", "vi", "--stdout", text).Output()
	if err != nil {
		t.Fatalf("espeak-ng: %v", err)
	}
	cmd := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", "pipe:0", "-ac", "1", "-ar", "48000", "-c:a", "libopus", "-f", "ogg", "pipe:1")
	cmd.Stdin = bytes.NewReader(wav)
	ogg, err := cmd.Output()
	if err != nil {
		t.Fatalf("ffmpeg: %v", err)
	}
	return ogg
}

func TestVoiceNotes(t *testing.T) {
	ogg := spokenOgg(t, "làm giấy khai sinh cho con")
	stt := llmtest.New(t, nil)
	stt.Hear(func(u llmtest.Upload) string {
		if bytes.HasPrefix(u.Audio, []byte("OggS")) {
			return "lam giay khai sinh cho con" // what a recogniser would hear
		}
		return ""
	})
	store := newSettled()
	listener := speech.NewListener(speech.ListenerConfig{BaseURL: stt.URL, Model: "fake-whisper", Timeout: 300 * time.Millisecond})
	h := run(t, newHarnessWith(t, store, content.FS(), Config{Talk: bot.ConversationConfig{Transcriber: listener}}))
	h.fake.AddFile("v1", ogg)
	ch := &tgChannel{h: h, store: store, users: map[string]int64{}}
	voice := func(user int64, file string, seconds int) []string {
		return ch.do(t, user, func() int64 { return h.fake.Push(telegramtest.Voice(user, file, seconds, int64(len(ogg)))) })
	}

	// Heard, shown, answered as typed.
	got := voice(901, "v1", 3)
	if len(got) < 2 || !strings.Contains(got[0], "Loa nghe") || !strings.Contains(got[0], "khai sinh") || !strings.Contains(strings.Join(got[1:], "\n"), "Đăng ký khai sinh") {
		t.Errorf("voice note not heard and answered:\n%s", strings.Join(got, "\n---\n"))
	}
	ups := stt.Uploads()
	if len(ups) != 1 || ups[0].Filename != "voice.ogg" || ups[0].Language != "vi" || !bytes.Equal(ups[0].Audio, ogg) {
		t.Fatalf("upload to the speech server: %+v", ups)
	}

	// H'Mông: kept for people, never guessed.
	ch.Press(t, "hmong", bot.ButtonLang(knowledge.Hmong))
	hm := ch.user("hmong")
	h.fake.AddFile("v2", ogg)
	got = voice(hm, "v2", 4)
	notes, _ := store.WaitingVoiceNotes(context.Background())
	if len(notes) != 1 || notes[0].Ref != "v2" || notes[0].Lang != knowledge.Hmong || notes[0].From.User != "7000" {
		t.Errorf("H'Mông voice note not kept: %+v", notes)
	}
	if len(stt.Uploads()) != 1 || !strings.Contains(strings.Join(got, "\n"), "giữ lại") {
		t.Errorf("H'Mông voice note guessed or not explained: %d uploads\n%s", len(stt.Uploads()), strings.Join(got, "\n"))
	}

	// An outage, a silence, a note too long: a kind reply each.
	stt.FailAudio(llmtest.AudioFault{Delay: 5 * time.Second}, llmtest.AudioFault{Status: 500}, llmtest.AudioFault{Empty: true})
	for _, want := range []string{"chưa nghe được", "chưa nghe được", "không nghe rõ"} {
		if got := voice(902, "v1", 3); len(got) != 1 || !strings.Contains(got[0], want) {
			t.Errorf("want %q:\n%s", want, strings.Join(got, "\n"))
		}
	}
	if got := voice(902, "v1", 600); len(got) != 1 || !strings.Contains(got[0], "dài quá") {
		t.Errorf("a 10-minute note: %q", got)
	}
	if n := len(stt.Uploads()); n != 4 {
		t.Errorf("%d uploads, want 4 (the long note is never fetched)", n)
	}
}

// BenchmarkVoiceNoteToAnswer times a Vietnamese voice note from the update
// to the answer delivered, on the fake Bot API and the fake speech server:
// Loa's own cost (fetch, upload, answer, send), without a recogniser's.
func BenchmarkVoiceNoteToAnswer(b *testing.B) {
	ogg := spokenOgg(b, "làm giấy khai sinh cho con")
	stt := llmtest.New(b, nil)
	stt.Hear(func(llmtest.Upload) string { return "lam giay khai sinh cho con" })
	store := newSettled()
	listener := speech.NewListener(speech.ListenerConfig{BaseURL: stt.URL})
	h := newHarnessWith(&testing.T{}, store, content.FS(), Config{Talk: bot.ConversationConfig{Transcriber: listener, FloodLimit: 1 << 30}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.adapter.Run(ctx, 10*time.Second) }()
	defer func() { cancel(); <-done }()
	h.fake.AddFile("v", ogg)
	for b.Loop() {
		store.wait(b, h.fake.Push(telegramtest.Voice(990, "v", 3, int64(len(ogg)))))
	}
	b.ReportMetric(float64(len(ogg)), "voice-note-bytes")
}

// A card read aloud: uploaded as OGG/Opus the first time, the stored
// file_id sent the second.
func TestListen(t *testing.T) {
	espeak := speech.NewEspeak()
	if !espeak.Speaks(knowledge.Vietnamese) {
		t.Skip("espeak-ng and ffmpeg are not installed (apt-get install espeak-ng ffmpeg): nothing can read aloud")
	}
	store := newSettled()
	h := run(t, newHarnessWith(t, store, content.FS(), Config{Talk: bot.ConversationConfig{Speaker: speech.Chain{espeak}}}))
	ch := &tgChannel{h: h, store: store, users: map[string]int64{}}
	if got := ch.Say(t, "a", "lam giay khai sinh cho con"); !strings.Contains(strings.Join(got, "\n"), "🔊 Nghe") {
		t.Fatalf("no Listen button on the card:\n%s", strings.Join(got, "\n"))
	}
	for i, want := range []string{"upload:loa.ogg:", "uploaded-voice-"} {
		before := len(h.fake.Calls("sendVoice"))
		ch.Press(t, "a", bot.ButtonListen("birth-registration"))
		calls := h.fake.Calls("sendVoice")
		if len(calls) != before+1 {
			t.Fatalf("press %d: %d voice notes sent", i+1, len(calls)-before)
		}
		v := calls[len(calls)-1].Params
		if !strings.HasPrefix(v["voice"], want) || !strings.Contains(v["caption"], "giọng máy") {
			t.Errorf("press %d: voice %q caption %q, want %s…", i+1, v["voice"], v["caption"], want)
		}
		if i == 0 && !strings.HasSuffix(v["voice"], ":OggS") {
			t.Errorf("uploaded audio is not OGG: %q", v["voice"])
		}
	}
	// No voice for H'Mông: no button.
	ch.Press(t, "b", bot.ButtonLang(knowledge.Hmong))
	if got := ch.Say(t, "b", "lam giay khai sinh cho con"); strings.Contains(strings.Join(got, "\n"), "🔊") {
		t.Errorf("a Listen button where no voice speaks the card's language:\n%s", strings.Join(got, "\n"))
	}
}

// A person's recording shipped with the content is preferred, even where
// no machine voice reads the language.
func TestListenToARecording(t *testing.T) {
	recording := append([]byte("OggS\x00\x04"), make([]byte, 24)...)
	binary.LittleEndian.PutUint64(recording[6:], 48000*20)
	fsys := fstest.MapFS{"procedures/birth-registration/audio/hmn.ogg": {Data: recording}}
	if err := fs.WalkDir(content.FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(content.FS(), name)
		fsys[name] = &fstest.MapFile{Data: data}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	store := newSettled()
	h := run(t, newHarnessWith(t, store, fsys, Config{})) // no machine voice at all
	ch := &tgChannel{h: h, store: store, users: map[string]int64{}}
	ch.Press(t, "a", bot.ButtonLang(knowledge.Hmong))
	if got := ch.Say(t, "a", "lam giay khai sinh cho con"); !strings.Contains(strings.Join(got, "\n"), "🔊") {
		t.Fatalf("no Listen button for the recorded card:\n%s", strings.Join(got, "\n"))
	}
	ch.Press(t, "a", bot.ButtonListen("birth-registration"))
	calls := h.fake.Calls("sendVoice")
	if len(calls) != 1 || calls[0].Params["voice"] != fmt.Sprintf("upload:loa.ogg:%d:OggS", len(recording)) || !strings.Contains(calls[0].Params["caption"], "người thật") {
		t.Errorf("recording not sent as it is: %+v", calls)
	}
	if got := ch.Say(t, "b", "lam giay khai sinh cho con"); strings.Contains(strings.Join(got, "\n"), "🔊") {
		t.Errorf("a Vietnamese card offers Listen with no voice and no Vietnamese recording:\n%s", strings.Join(got, "\n"))
	}
}
