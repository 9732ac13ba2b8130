package speech

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"loa/knowledge"
)

// Espeak reads Vietnamese aloud with espeak-ng, converted by ffmpeg to
// OGG/Opus: robotic but intelligible, and always at hand.
type Espeak struct {
	installed bool // espeak-ng and ffmpeg, looked up once: Speaks runs on every card shown
}

// NewEspeak returns an Espeak that speaks when both programs are installed.
func NewEspeak() Espeak {
	tools := Tools()
	return Espeak{installed: tools["espeak-ng"] && tools["ffmpeg"]}
}

// Speaks reports whether espeak-ng and ffmpeg can read lang: Vietnamese
// only, and only when both are installed.
func (e Espeak) Speaks(lang knowledge.Lang) bool {
	return lang == knowledge.Vietnamese && e.installed
}

// Speak implements bot.Speaker.
func (e Espeak) Speak(ctx context.Context, text string, lang knowledge.Lang) ([]byte, string, error) {
	if !e.Speaks(lang) {
		return nil, "", fmt.Errorf("espeak-ng cannot read %s here", lang.Name())
	}
	wav, err := run(ctx, exec.CommandContext(ctx, "espeak-ng", "-v", "vi", "--stdout", Readable(text)), nil)
	if err != nil {
		return nil, "", fmt.Errorf("espeak-ng: %w", err)
	}
	ogg, err := ToOpus(ctx, wav)
	return ogg, "audio/ogg", err
}

// ServerConfig configures a speech server (LOA_TTS_*).
type ServerConfig struct {
	BaseURL, Model, Voice, APIKey string
	Langs                         []knowledge.Lang // what its voices read; default Vietnamese
	Timeout                       time.Duration    // 0 means 20 s
}

// Server reads aloud with an OpenAI-compatible /v1/audio/speech server.
type Server struct {
	api *openai.Client
	cfg ServerConfig
}

// NewServer returns a Server.
func NewServer(cfg ServerConfig) *Server {
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if len(cfg.Langs) == 0 {
		cfg.Langs = []knowledge.Lang{knowledge.Vietnamese}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	return &Server{api: openai.NewClientWithConfig(oc), cfg: cfg}
}

// Speaks implements bot.Speaker.
func (s *Server) Speaks(lang knowledge.Lang) bool {
	for _, l := range s.cfg.Langs {
		if l == lang {
			return true
		}
	}
	return false
}

// Speak implements bot.Speaker. A server that answers another format than
// the Opus asked for is converted with ffmpeg.
func (s *Server) Speak(ctx context.Context, text string, lang knowledge.Lang) ([]byte, string, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	resp, err := s.api.CreateSpeech(ctx, openai.CreateSpeechRequest{
		Model: openai.SpeechModel(s.cfg.Model), Voice: openai.SpeechVoice(s.cfg.Voice),
		Input: Readable(text), ResponseFormat: openai.SpeechResponseFormatOpus,
	})
	if err != nil {
		return nil, "", explain(ctx, err)
	}
	defer resp.Close()
	audio, err := io.ReadAll(io.LimitReader(resp, 20<<20))
	if err != nil {
		return nil, "", fmt.Errorf("speech server: %w", err)
	}
	if !IsOgg(audio) {
		if audio, err = ToOpus(ctx, audio); err != nil {
			return nil, "", fmt.Errorf("speech server sent another format than OGG/Opus: %w", err)
		}
	}
	return audio, "audio/ogg", nil
}

// ServerConfigFromEnv reads LOA_TTS_BASE_URL, LOA_TTS_MODEL, LOA_TTS_VOICE
// and LOA_TTS_API_KEY; ok is false when no server is set.
func ServerConfigFromEnv() (cfg ServerConfig, ok bool) {
	cfg = ServerConfig{BaseURL: os.Getenv("LOA_TTS_BASE_URL"), Model: os.Getenv("LOA_TTS_MODEL"), Voice: os.Getenv("LOA_TTS_VOICE"), APIKey: os.Getenv("LOA_TTS_API_KEY")}
	if cfg.Model == "" {
		cfg.Model = string(openai.TTSModel1)
	}
	if cfg.Voice == "" {
		cfg.Voice = string(openai.VoiceAlloy)
	}
	return cfg, cfg.BaseURL != ""
}

// Voices returns the voices at hand, best first: the speech server in
// LOA_TTS_* when set, then espeak-ng for Vietnamese when installed. Empty
// when neither is there.
func Voices() Chain {
	var c Chain
	if cfg, ok := ServerConfigFromEnv(); ok {
		c = append(c, NewServer(cfg))
	}
	if e := NewEspeak(); e.Speaks(knowledge.Vietnamese) {
		c = append(c, e)
	}
	return c
}

// Speaker is what Chain chooses among (bot.Speaker).
type Speaker interface {
	Speaks(lang knowledge.Lang) bool
	Speak(ctx context.Context, text string, lang knowledge.Lang) ([]byte, string, error)
}

// Chain reads with the first of its speakers that speaks the language,
// falling back to the next when one fails.
type Chain []Speaker

// Speaks implements bot.Speaker.
func (c Chain) Speaks(lang knowledge.Lang) bool {
	for _, s := range c {
		if s.Speaks(lang) {
			return true
		}
	}
	return false
}

// Speak implements bot.Speaker.
func (c Chain) Speak(ctx context.Context, text string, lang knowledge.Lang) ([]byte, string, error) {
	var errs []error
	for _, s := range c {
		if !s.Speaks(lang) {
			continue
		}
		audio, mime, err := s.Speak(ctx, text, lang)
		if err == nil {
			return audio, mime, nil
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil, "", fmt.Errorf("no voice reads %s", lang.Name())
	}
	return nil, "", errors.Join(errs...)
}

// ToOpus converts audio of any format ffmpeg reads to OGG/Opus, mono, 48
// kHz: what Telegram plays as a voice note.
func ToOpus(ctx context.Context, audio []byte) ([]byte, error) {
	if !Tools()["ffmpeg"] {
		return nil, errors.New("ffmpeg is not installed")
	}
	cmd := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-i", "pipe:0", "-ac", "1", "-ar", "48000", "-c:a", "libopus", "-b:a", "24k", "-f", "ogg", "pipe:1")
	out, err := run(ctx, cmd, audio)
	if err != nil {
		return nil, fmt.Errorf("ffmpeg: %w", err)
	}
	return out, nil
}

// IsOgg reports whether audio starts as an OGG file does.
func IsOgg(audio []byte) bool { return bytes.HasPrefix(audio, []byte("OggS")) }

func run(ctx context.Context, cmd *exec.Cmd, stdin []byte) ([]byte, error) {
	var stderr bytes.Buffer
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

var (
	urlPattern       = regexp.MustCompile(`https?://\S+|www\.\S+`)
	thousandsPattern = regexp.MustCompile(`(\d)\.(\d{3})\b`)
	dongPattern      = regexp.MustCompile(`(\d)\s*(?:đồng|VNĐ|VND|đ)([\s.,;:)]|$)`)
)

// Readable is text as a voice should read it: no source markers, no web
// addresses read letter by letter, "30.000 đ" as "30000 đồng" (a voice
// reads the dot as "chấm").
func Readable(text string) string {
	text = knowledge.Clean(text)
	text = urlPattern.ReplaceAllString(text, "")
	for thousandsPattern.MatchString(text) {
		text = thousandsPattern.ReplaceAllString(text, "$1$2")
	}
	text = dongPattern.ReplaceAllString(text, "$1 đồng$2")
	return strings.Join(strings.Fields(text), " ")
}
