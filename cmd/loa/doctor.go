package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	tgbot "github.com/go-telegram/bot"

	"loa/knowledge"
	"loa/llm"
	"loa/privacy"
	"loa/speech"
	"loa/sqlite"
)

// runDoctor checks the content and every outside service configured in
// the environment, and says in plain words what works. It fails when
// something configured does not.
func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var common commonFlags
	fs := newFlagSet("doctor", stderr)
	common.register(fs)
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{"doctor takes no arguments; it reads the environment, as serve does"}
	}
	scrub := privacy.NewScrubber(secrets()...)
	failed := 0
	report := func(ok bool, format string, a ...any) {
		mark := "ok  "
		if !ok {
			mark, failed = "FAIL", failed+1
		}
		fmt.Fprintf(stdout, "%s %s\n", mark, scrub.Scrub(fmt.Sprintf(format, a...)))
	}

	kb, err := openBase(ctx, common.content, io.Discard)
	if err != nil {
		report(false, "content: %v (run `loa content check` for each problem)", err)
	} else {
		report(true, "content: %d procedures load and index", len(kb.Content().Procedures))
		kb.Close()
	}

	switch cfg, ok, err := llm.ConfigFromEnv(); {
	case err != nil:
		report(false, "LLM: %v", err)
	case !ok:
		fmt.Fprintln(stdout, "--   LLM: not configured (LOA_LLM_BASE_URL unset): Loa answers with cards only")
	default:
		models, latency, err := llm.New(cfg, nil).Check(ctx)
		switch {
		case err != nil:
			report(false, "LLM at %s: %v", cfg.BaseURL, err)
		case len(models) > 0 && !slices.Contains(models, cfg.Model):
			report(false, "LLM at %s answers, but has no model %q (it has %v)", cfg.BaseURL, cfg.Model, models)
		default:
			report(true, "LLM at %s: model %s answered one token in %v (first-token limit %v)", cfg.BaseURL, cfg.Model, latency.Round(time.Millisecond), cfg.FirstToken)
		}
	}

	switch cfg, ok, err := speech.ListenerConfigFromEnv(); {
	case err != nil:
		report(false, "speech recognition: %v", err)
	case !ok:
		fmt.Fprintln(stdout, "--   speech recognition: not configured (LOA_STT_BASE_URL unset): Loa says kindly that it cannot listen yet")
	default:
		start := time.Now()
		_, err := speech.NewListener(cfg).Transcribe(ctx, bytes.NewReader(speech.Silence(time.Second)), "check.wav", knowledge.Vietnamese)
		if err != nil {
			report(false, "speech recognition at %s: %v", cfg.BaseURL, err)
		} else {
			report(true, "speech recognition at %s: a one-second sample transcribed in %v (Vietnamese only; other languages go to people)", cfg.BaseURL, time.Since(start).Round(time.Millisecond))
		}
	}
	if cfg, ok := speech.ServerConfigFromEnv(); !ok {
		fmt.Fprintln(stdout, "--   speech server: not configured (LOA_TTS_BASE_URL unset): Vietnamese cards are read by espeak-ng when it is installed")
	} else {
		start := time.Now()
		audio, _, err := speech.NewServer(cfg).Speak(ctx, "Xin chào", knowledge.Vietnamese)
		if err != nil {
			report(false, "speech server at %s: %v", cfg.BaseURL, err)
		} else {
			report(true, "speech server at %s: a one-second sample read in %v (%d bytes of OGG/Opus)", cfg.BaseURL, time.Since(start).Round(time.Millisecond), len(audio))
		}
	}
	for _, tool := range []string{"ffmpeg", "espeak-ng"} {
		if speech.Tools()[tool] {
			report(true, "%s is installed", tool)
		} else {
			fmt.Fprintf(stdout, "--   %s is not installed (apt-get install %s)\n", tool, tool)
		}
	}

	if token := os.Getenv("TELEGRAM_BOT_TOKEN"); token == "" {
		fmt.Fprintln(stdout, "--   Telegram: not configured (TELEGRAM_BOT_TOKEN unset)")
	} else {
		opts := []tgbot.Option{tgbot.WithSkipGetMe()}
		if url := os.Getenv("LOA_TELEGRAM_API_URL"); url != "" {
			opts = append(opts, tgbot.WithServerURL(url))
		}
		api, err := tgbot.New(token, opts...)
		if err == nil {
			cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			u, gerr := api.GetMe(cctx)
			cancel()
			if gerr != nil {
				err = gerr
			} else {
				report(true, "Telegram: the token belongs to @%s", u.Username)
			}
		}
		if err != nil {
			report(false, "Telegram: %v", err) // the report is scrubbed of the token
		}
	}

	if db := os.Getenv("LOA_DB"); db != "" {
		store, err := sqlite.Open(ctx, db)
		if err != nil {
			report(false, "state database: %v", err)
		} else {
			report(true, "state database %s opens and is up to date", db)
			store.Close()
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d check(s) failed: %w", failed, errReported)
	}
	return nil
}
