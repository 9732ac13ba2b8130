package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"loa/bot"
	"loa/sqlite"
)

// runDesk is `loa desk list|show ID|close ID` over the state database.
func runDesk(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("desk", stderr)
	db := fs.String("db", envOr("LOA_DB", "loa.db"), "the state database (LOA_DB)")
	all := fs.Bool("all", false, "list: answered and closed items too")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usageError{"desk needs list, show ID or close ID"}
	}
	store, err := sqlite.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	switch verb := rest[0]; verb {
	case "list":
		states := []bot.DeskState{bot.DeskOpen, bot.DeskTaken}
		if *all {
			states = nil
		}
		items, err := store.DeskItems(ctx, states...)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "id\tstate\tlang\tasked\tvolunteer\tquestion")
		for _, it := range items {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", it.ID, it.State, it.Lang, it.Created.Format("2006-01-02 15:04"), it.Volunteer, firstRunes(it.Question, 60))
		}
		return tw.Flush()
	case "show", "close":
		if len(rest) != 2 {
			return usageError{"desk " + verb + " needs an item id"}
		}
		id, err := strconv.ParseInt(rest[1], 10, 64)
		if err != nil {
			return usageError{fmt.Sprintf("desk %s: %q is not an item id", verb, rest[1])}
		}
		it, ok, err := store.DeskItem(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("no desk item %d", id)
		}
		if verb == "close" {
			it.State = bot.DeskClosed
			if err := store.SaveDeskItem(ctx, it); err != nil {
				return err
			}
		}
		fmt.Fprintf(stdout, "#%d  %s  %s  asked %s by %s\n%s\n", it.ID, it.State, it.Lang.Name(), it.Created.Format("2006-01-02 15:04"), it.From.Key(), it.Question)
		if it.Card != "" {
			fmt.Fprintf(stdout, "last card: %s\n", it.Card)
		}
		if it.VoiceRef != "" {
			fmt.Fprintf(stdout, "voice note: %s\n", it.VoiceRef)
		}
		if it.Volunteer != "" {
			fmt.Fprintf(stdout, "taken by %s at %s", it.Volunteer, it.Taken.Format("2006-01-02 15:04"))
			if !it.Answered.IsZero() {
				fmt.Fprintf(stdout, ", answered at %s", it.Answered.Format("2006-01-02 15:04"))
			}
			fmt.Fprintln(stdout)
		}
		return nil
	}
	return usageError{fmt.Sprintf("unknown desk command %q: list, show ID or close ID", rest[0])}
}

func firstRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
