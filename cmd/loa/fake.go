package main

import (
	"bufio"
	"context"
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"
	"time"

	"loa/bot/telegramtest"
)

// runTelegramFake runs the fake Bot API so `loa serve` can be tried without
// Telegram: every line typed becomes a message from one user, and the
// bot's replies are printed.
func runTelegramFake(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("telegram-fake", stderr)
	addr := fs.String("addr", "127.0.0.1:8081", "address to listen on")
	user := fs.Int64("user", 1001, "Telegram user id of the person typing")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{"telegram-fake takes no arguments"}
	}
	fake, err := telegramtest.Start(*addr)
	if err != nil {
		return err
	}
	defer fake.Close()
	fmt.Fprintf(stdout, "Fake Telegram Bot API on %s. In another terminal:\n  TELEGRAM_BOT_TOKEN=%s LOA_TELEGRAM_API_URL=%s go run ./cmd/loa serve\nThen type messages here (/start, questions).\n", fake.URL, fake.Token, fake.URL)

	go printReplies(ctx, fake, stdout)
	lines := bufio.NewScanner(stdin)
	for lines.Scan() {
		if text := strings.TrimSpace(lines.Text()); text != "" {
			fake.Push(telegramtest.Text(*user, text))
		}
	}
	<-ctx.Done() // keep serving after input ends, until Ctrl-C
	return nil
}

var tags = regexp.MustCompile(`<[^>]+>`)

func printReplies(ctx context.Context, fake *telegramtest.Server, out io.Writer) {
	seen := 0
	for ctx.Err() == nil {
		calls, _ := fake.WaitCalls("sendMessage", seen+1, time.Second)
		for _, c := range calls[seen:] {
			fmt.Fprintf(out, "\n[Loa] %s\n", html.UnescapeString(tags.ReplaceAllString(c.Params["text"], "")))
			if kb := c.Params["reply_markup"]; kb != "" {
				fmt.Fprintf(out, "      buttons: %s\n", kb)
			}
		}
		seen = len(calls)
	}
}
