package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"loa/bot"
	"loa/bot/terminal"
)

// maxChatLine bounds one line of input; longer lines get a polite refusal.
const maxChatLine = 64 << 10

func runChat(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var common commonFlags
	fs := newFlagSet("chat", stderr)
	common.register(fs)
	common.registerLLM(fs)
	sources := fs.Bool("sources", false, "show each card's sources")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{"chat takes no arguments: type questions after it starts"}
	}
	lang, err := common.language()
	if err != nil {
		return err
	}
	a, err := openApp(ctx, common, *sources, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	render := &a.render
	chat, err := terminal.NewChat(ctx, a.core, bot.NewMemoryStore(), lang, render)
	if err != nil {
		return err
	}
	interactive := isTerminal(stdin)
	if interactive {
		fmt.Fprintf(stdout, "Loa — %d thủ tục. %s\n", len(a.kb.Content().Procedures), terminal.Help)
	}

	in := bufio.NewReader(stdin)
	for {
		if interactive {
			fmt.Fprint(stdout, "\n> ")
		}
		line, tooLong, err := readLine(in, maxChatLine)
		if err == io.EOF && line == "" {
			return nil
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("read input: %w", err)
		}
		line = strings.TrimSpace(line)
		if line == ":quit" || line == ":q" || line == ":exit" {
			return nil
		}
		var replies []bot.Reply
		if tooLong {
			replies = []bot.Reply{{Kind: bot.KindText, Message: "too_long", Lang: chat.Lang(ctx)}}
		} else if replies, err = chat.Line(ctx, line); err != nil {
			return err
		}
		for _, r := range replies {
			fmt.Fprintln(stdout, render.Render(r))
		}
		if !interactive {
			fmt.Fprintln(stdout)
		}
	}
}

// readLine reads one line; a line longer than max is read to its end and
// reported as too long, so one pasted letter does not end the chat.
func readLine(r *bufio.Reader, max int) (line string, tooLong bool, err error) {
	var b strings.Builder
	for {
		chunk, isPrefix, err := r.ReadLine()
		if b.Len()+len(chunk) > max {
			tooLong = true
		} else {
			b.Write(chunk)
		}
		if err != nil || !isPrefix {
			return b.String(), tooLong, err
		}
	}
}

// isTerminal reports whether r is an interactive terminal, so that piped
// input gets no prompts.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
