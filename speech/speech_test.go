package speech

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"loa/bot"
	"loa/knowledge"
	"loa/llm/llmtest"
)

func TestServerName(t *testing.T) {
	tests := map[string]string{
		"voice.oga":         "voice.ogg", // OpenAI and Groq refuse .oga
		"voice.opus":        "voice.ogg",
		"bai hat.mp3":       "bai hat.mp3",
		"../../etc/passwd":  "passwd.ogg",
		"":                  "voice.ogg",
		"ghi âm/ngày 2.m4a": "ngày 2.m4a",
	}
	for in, want := range tests {
		if got := serverName(in); got != want {
			t.Errorf("serverName(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzServerName(f *testing.F) {
	for _, s := range []string{"voice.oga", "", "a/b/c.mp3", "..", "/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := serverName(name)
		if got == "" || strings.Contains(got, "/") {
			t.Errorf("serverName(%q) = %q: empty or a path", name, got)
		}
	})
}

func TestListener(t *testing.T) {
	fake := llmtest.New(t, nil)
	fake.Hear(func(u llmtest.Upload) string { return " lam giay khai sinh " })
	l := NewListener(ListenerConfig{BaseURL: fake.URL, Model: "whisper-vi", Timeout: 200 * time.Millisecond})
	ctx := context.Background()
	if got, err := l.Transcribe(ctx, bytes.NewReader(Silence(time.Second)), "voice.oga", knowledge.Vietnamese); err != nil || got != "lam giay khai sinh" {
		t.Fatalf("transcript %q, %v", got, err)
	}
	if up := fake.Uploads()[0]; up.Model != "whisper-vi" || up.Language != "vi" || up.Filename != "voice.ogg" || len(up.Audio) != 44+2*16000 {
		t.Errorf("upload %+v", up)
	}
	if _, err := l.Transcribe(ctx, strings.NewReader("x"), "v.ogg", knowledge.Hmong); !errors.Is(err, bot.ErrCannotListen) {
		t.Errorf("H'Mông: %v, want ErrCannotListen (and no upload)", err)
	}
	fake.FailAudio(llmtest.AudioFault{Delay: 2 * time.Second}, llmtest.AudioFault{Status: 503, Body: `{"object":"error","message":"model is loading","type":"ServiceUnavailable","code":503}`})
	if _, err := l.Transcribe(ctx, strings.NewReader("x"), "v.ogg", knowledge.Vietnamese); !errors.Is(err, ErrTimeout) {
		t.Errorf("slow server: %v, want ErrTimeout", err)
	}
	if _, err := l.Transcribe(ctx, strings.NewReader("x"), "v.ogg", knowledge.Vietnamese); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("vLLM-style 503: %v", err)
	}
	if n := len(fake.Uploads()); n != 3 {
		t.Errorf("%d uploads, want 3", n)
	}
}

func TestReadable(t *testing.T) {
	tests := map[string]string{
		"Lệ phí 30.000 đ một bản [6].":                          "Lệ phí 30000 đồng một bản.",
		"Nộp trên https://dichvucong.gov.vn hoặc VNeID [1][3].": "Nộp trên hoặc VNeID.",
		"1.250.000 đồng": "1250000 đồng",
		"Trong 60 ngày":  "Trong 60 ngày",
	}
	for in, want := range tests {
		if got := Readable(in); got != want {
			t.Errorf("Readable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestServerSpeaks(t *testing.T) {
	fake := llmtest.New(t, nil)
	s := NewServer(ServerConfig{BaseURL: fake.URL, Model: "tts", Voice: "vi-female"})
	if !s.Speaks(knowledge.Vietnamese) || s.Speaks(knowledge.Tay) {
		t.Error("a speech server speaks Vietnamese only unless told")
	}
	audio, mime, err := s.Speak(context.Background(), "Đăng ký khai sinh", knowledge.Vietnamese)
	if err != nil || !IsOgg(audio) || mime != "audio/ogg" {
		t.Fatalf("%q %q %v", audio, mime, err)
	}
	fake.FailAudio(llmtest.AudioFault{WrongFormat: true}, llmtest.AudioFault{Status: 500})
	if _, _, err := s.Speak(context.Background(), "Đăng ký khai sinh", knowledge.Vietnamese); err == nil {
		t.Error("MP3 bytes that ffmpeg cannot read were taken for OGG/Opus")
	}
	// A failing server falls back to the next voice.
	chain := Chain{s, fixedVoice("OggS from espeak")}
	if audio, _, err := chain.Speak(context.Background(), "x", knowledge.Vietnamese); err != nil || string(audio) != "OggS from espeak" {
		t.Errorf("fallback: %q %v", audio, err)
	}
}

type fixedVoice string

func (fixedVoice) Speaks(lang knowledge.Lang) bool { return lang == knowledge.Vietnamese }
func (f fixedVoice) Speak(context.Context, string, knowledge.Lang) ([]byte, string, error) {
	return []byte(f), "audio/ogg", nil
}

// BenchmarkEspeakCard measures reading a card aloud with espeak-ng and
// converting it with ffmpeg: the cost per second of audio and the bytes.
func BenchmarkEspeakCard(b *testing.B) {
	espeak := NewEspeak()
	if !espeak.Speaks(knowledge.Vietnamese) {
		b.Skip("espeak-ng and ffmpeg are not installed")
	}
	text := "Đăng ký khai sinh. Trẻ mới sinh phải được đăng ký khai sinh trong 60 ngày. Làm ở UBND xã hoặc trên mạng qua VNeID. Miễn phí nếu đăng ký đúng hạn. 1 ngày làm việc."
	var audio []byte
	for b.Loop() {
		var err error
		if audio, _, err = espeak.Speak(context.Background(), text, knowledge.Vietnamese); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(audio)), "bytes/card")
	if secs := knowledge.OggSeconds(audio); secs > 0 {
		b.ReportMetric(secs, "audio-seconds")
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/secs, "ms/audio-second")
	}
}

// A video note's sound is sent as Opus, not the video.
func TestListenerVideoNote(t *testing.T) {
	if !Tools()["ffmpeg"] {
		t.Skip("ffmpeg is not installed (apt-get install ffmpeg)")
	}
	mp4, err := run(context.Background(), exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-f", "lavfi", "-i", "color=c=black:s=64x64:d=1", "-shortest", "-c:v", "libx264", "-c:a", "aac", "-movflags", "frag_keyframe+empty_moov", "-f", "mp4", "pipe:1"), nil)
	if err != nil {
		t.Skipf("ffmpeg cannot make a test video here: %v", err)
	}
	fake := llmtest.New(t, nil)
	fake.Hear(func(llmtest.Upload) string { return "cấp cứu" })
	l := NewListener(ListenerConfig{BaseURL: fake.URL, Timeout: 5 * time.Second})
	if got, err := l.Transcribe(context.Background(), bytes.NewReader(mp4), "video.mp4", knowledge.Vietnamese); err != nil || got != "cấp cứu" {
		t.Fatalf("%q %v", got, err)
	}
	if up := fake.Uploads()[0]; up.Filename != "video.ogg" || !IsOgg(up.Audio) {
		t.Errorf("uploaded %q, %d bytes, OGG %v", up.Filename, len(up.Audio), IsOgg(up.Audio))
	}
}
