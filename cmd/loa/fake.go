package main

import (
	"bufio"
	"context"
	"fmt"
	"html"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"

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
	fmt.Fprintf(stdout, "Fake Telegram Bot API on %s. In another terminal:\n  TELEGRAM_BOT_TOKEN=%s LOA_TELEGRAM_API_URL=%s go run ./cmd/loa serve\nThen type messages here (/start, questions); #N presses button N of the last message.\n", fake.URL, fake.Token, fake.URL)

	var buttons pressable
	go printReplies(ctx, fake, stdout, &buttons)
	lines := bufio.NewScanner(stdin)
	for lines.Scan() {
		text := strings.TrimSpace(lines.Text())
		if n, err := strconv.Atoi(strings.TrimPrefix(text, "#")); err == nil && strings.HasPrefix(text, "#") {
			if data, ok := buttons.get(n); ok {
				fake.Push(telegramtest.Callback(*user, data))
			} else {
				fmt.Fprintf(stdout, "(no button %d on the last message)\n", n)
			}
			continue
		}
		if text != "" {
			fake.Push(telegramtest.Text(*user, text))
		}
	}
	<-ctx.Done() // keep serving after input ends, until Ctrl-C
	return nil
}

// pressable holds the callback data of the last message's buttons.
type pressable struct {
	mu   sync.Mutex
	data []string
}

func (p *pressable) set(data []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.data = data
}

func (p *pressable) get(n int) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n < 1 || n > len(p.data) {
		return "", false
	}
	return p.data[n-1], true
}

var tags = regexp.MustCompile(`<[^>]+>`)

func printReplies(ctx context.Context, fake *telegramtest.Server, out io.Writer, buttons *pressable) {
	seen := 0
	for ctx.Err() == nil {
		calls, _ := fake.WaitCalls("sendMessage", seen+1, time.Second)
		for _, c := range calls[seen:] {
			fmt.Fprintf(out, "\n[Loa] %s\n", html.UnescapeString(tags.ReplaceAllString(c.Params["text"], "")))
			var kb models.InlineKeyboardMarkup
			if c.Decode("reply_markup", &kb) != nil || len(kb.InlineKeyboard) == 0 {
				continue
			}
			var data []string
			var labels []string
			for _, row := range kb.InlineKeyboard {
				for _, b := range row {
					if b.URL != "" {
						labels = append(labels, fmt.Sprintf("[%s: %s]", b.Text, b.URL))
						continue
					}
					data = append(data, b.CallbackData)
					labels = append(labels, fmt.Sprintf("#%d %s", len(data), b.Text))
				}
			}
			buttons.set(data)
			fmt.Fprintf(out, "      %s\n", strings.Join(labels, "  "))
		}
		seen = len(calls)
	}
}
