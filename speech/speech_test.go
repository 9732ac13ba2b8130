package speech

import (
	"bytes"
	"context"
	"errors"
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
