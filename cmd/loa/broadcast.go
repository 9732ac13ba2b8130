package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"loa/bot"
	"loa/knowledge"
)

// runBroadcast is `loa broadcast --lang hmn --file msg.md` (store an
// announcement for `loa serve` to send, and follow it) and `loa broadcast
// status [ID]`.
func runBroadcast(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("broadcast", stderr)
	db := fs.String("db", envOr("LOA_DB", "loa.db"), "the state database (LOA_DB) that loa serve uses")
	langCode := fs.String("lang", "", "the subscribers' language: vi, hmn, dao, tay or giay")
	file := fs.String("file", "", "the announcement, in Markdown")
	wait := fs.Bool("wait", true, "follow the sending until it ends (Ctrl-C stops following, not sending)")
	every := fs.Duration("every", 5*time.Second, "how often to print progress")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	store, _, err := openReports(ctx, *db, 1) // an existing database: the one loa serve uses
	if err != nil {
		return err
	}
	defer store.Close()
	if len(rest) > 0 && rest[0] == "status" {
		var id int64
		if len(rest) > 1 {
			if id, err = strconv.ParseInt(rest[1], 10, 64); err != nil {
				return usageError{fmt.Sprintf("broadcast status: %q is not a broadcast id", rest[1])}
			}
		}
		reports, err := store.BroadcastReports(ctx, id)
		if err != nil {
			return err
		}
		if len(reports) == 0 {
			fmt.Fprintln(stdout, "no broadcasts")
		}
		for _, r := range reports {
			fmt.Fprintln(stdout, r)
		}
		return nil
	} else if len(rest) > 0 {
		return usageError{"broadcast takes --lang and --file, or status [ID]"}
	}
	lang, err := knowledge.ParseLang(*langCode)
	if err != nil || *file == "" {
		return usageError{"broadcast needs --lang (vi, hmn, dao, tay or giay) and --file with the announcement"}
	}
	text, err := os.ReadFile(*file)
	if err != nil {
		return usageError{fmt.Sprintf("read the announcement: %v", err)}
	}
	b, n, err := bot.NewBroadcast(ctx, store, lang, string(text), bot.Address{}, time.Now())
	if errors.Is(err, bot.ErrBroadcastText) {
		return usageError{fmt.Sprintf("%s: %v", *file, err)}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "broadcast #%d stored for %d subscriber(s) in %s; loa serve sends it within Telegram's limits, resuming after a restart\n", b.ID, n, lang.Name())
	if !*wait || n == 0 {
		return nil
	}
	tick := time.NewTicker(*every)
	defer tick.Stop()
	for {
		rs, err := store.BroadcastReports(ctx, b.ID)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, rs[0])
		if rs[0].Done() {
			return nil
		}
		select {
		case <-ctx.Done():
			fmt.Fprintln(stdout, "no longer following; loa serve goes on sending (loa broadcast status", b.ID, "shows how far)")
			return nil
		case <-tick.C:
		}
	}
}
