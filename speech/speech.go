// Package speech listens to voice notes and reads answers aloud: an
// OpenAI-compatible transcription server (whisper.cpp server, speaches,
// vLLM, LocalAI, a hosted API) through go-openai, a speech server or
// espeak-ng for voices, and ffmpeg for conversion. It listens only where
// that is honest today: Vietnamese.
package speech

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"loa/bot"
	"loa/knowledge"
)

// ListenerConfig configures a Listener.
type ListenerConfig struct {
	BaseURL string // with /v1 (LOA_STT_BASE_URL)
	Model   string // LOA_STT_MODEL; "whisper-1" when empty
	APIKey  string // LOA_STT_API_KEY; many local servers need none
	// Timeout bounds one transcription; the citizen hears within it that
	// Loa could not listen this time. 0 means 8 s.
	Timeout time.Duration
}

// Listener transcribes voice notes. It implements bot.Transcriber.
type Listener struct {
	api     *openai.Client
	model   string
	timeout time.Duration
}

// NewListener returns a Listener for an OpenAI-compatible server.
func NewListener(cfg ListenerConfig) *Listener {
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.Model == "" {
		cfg.Model = openai.Whisper1
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 8 * time.Second
	}
	return &Listener{api: openai.NewClientWithConfig(oc), model: cfg.Model, timeout: cfg.Timeout}
}

// CanListen reports whether speech recognition is honest for lang: no
// recogniser covers H'Mông, Dao, Tày or Giáy today.
func CanListen(lang knowledge.Lang) bool { return lang == knowledge.Vietnamese }

// Listens implements bot.Transcriber.
func (l *Listener) Listens(lang knowledge.Lang) bool { return CanListen(lang) }

// ErrTimeout says the server did not answer in time.
var ErrTimeout = errors.New("the speech server did not answer in time")

// Transcribe returns what is said in audio. filename's extension tells the
// server the format; Telegram's ".oga" is sent as ".ogg", which OpenAI and
// Groq accept for the same bytes.
func (l *Listener) Transcribe(ctx context.Context, audio io.Reader, filename string, lang knowledge.Lang) (string, error) {
	if !CanListen(lang) {
		return "", bot.ErrCannotListen
	}
	ctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	if path.Ext(filename) == ".mp4" && Tools()["ffmpeg"] {
		// A video note: only its sound is sent, as Opus (some servers, vLLM
		// among them, decode no video container).
		video, err := io.ReadAll(audio)
		if err != nil {
			return "", fmt.Errorf("read the video note: %w", err)
		}
		ogg, err := ToOpus(ctx, video)
		if err != nil {
			return "", err
		}
		audio, filename = bytes.NewReader(ogg), "video.ogg"
	}
	resp, err := l.api.CreateTranscription(ctx, openai.AudioRequest{
		Model:    l.model,
		FilePath: serverName(filename),
		Reader:   audio,
		Language: string(lang), // whisper.cpp defaults to English without it
		Format:   openai.AudioResponseFormatJSON,
	})
	if err != nil {
		return "", explain(ctx, err)
	}
	return strings.TrimSpace(resp.Text), nil
}

// serverName is the name the file is uploaded under: ".oga" becomes ".ogg".
func serverName(filename string) string {
	name := path.Base(filename)
	if name == "." || name == "/" || name == "" {
		name = "voice.ogg"
	}
	if ext := path.Ext(name); ext == ".oga" || ext == ".opus" || ext == "" {
		name = strings.TrimSuffix(name, ext) + ".ogg"
	}
	return name
}

// explain says what went wrong in the server's terms, never quoting audio.
func explain(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ErrTimeout
	}
	var api *openai.APIError
	if errors.As(err, &api) {
		return fmt.Errorf("speech server error %d: %w", api.HTTPStatusCode, err)
	}
	var req *openai.RequestError
	if errors.As(err, &req) {
		return fmt.Errorf("speech server answered %d: %w", req.HTTPStatusCode, err)
	}
	return fmt.Errorf("speech server: %w", err)
}

// ListenerConfigFromEnv reads LOA_STT_BASE_URL, LOA_STT_MODEL,
// LOA_STT_API_KEY and LOA_STT_TIMEOUT; ok is false when no server is set.
func ListenerConfigFromEnv() (cfg ListenerConfig, ok bool, err error) {
	cfg = ListenerConfig{BaseURL: os.Getenv("LOA_STT_BASE_URL"), Model: os.Getenv("LOA_STT_MODEL"), APIKey: os.Getenv("LOA_STT_API_KEY")}
	if cfg.BaseURL == "" {
		return cfg, false, nil
	}
	if v := os.Getenv("LOA_STT_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > 9*time.Second {
			return cfg, false, fmt.Errorf("LOA_STT_TIMEOUT=%q: want a duration up to 9s, such as 8s (the citizen must hear within 10 s)", v)
		}
		cfg.Timeout = d
	}
	return cfg, true, nil
}

// Silence returns a WAV file of d of silence (16 kHz, mono, 16 bit), for
// checking that a speech server answers.
func Silence(d time.Duration) []byte {
	const rate = 16000
	n := int(d.Seconds() * rate)
	data := make([]byte, 44+2*n)
	le := binary.LittleEndian
	copy(data[0:], "RIFF")
	le.PutUint32(data[4:], uint32(36+2*n))
	copy(data[8:], "WAVEfmt ")
	le.PutUint32(data[16:], 16)
	le.PutUint16(data[20:], 1) // PCM
	le.PutUint16(data[22:], 1) // mono
	le.PutUint32(data[24:], rate)
	le.PutUint32(data[28:], rate*2)
	le.PutUint16(data[32:], 2)
	le.PutUint16(data[34:], 16)
	copy(data[36:], "data")
	le.PutUint32(data[40:], uint32(2*n))
	return data
}

// Tools reports which of the programs Loa uses for audio are installed.
func Tools() map[string]bool {
	out := map[string]bool{}
	for _, name := range []string{"ffmpeg", "espeak-ng"} {
		_, err := exec.LookPath(name)
		out[name] = err == nil
	}
	return out
}
