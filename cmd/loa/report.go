package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"loa/bot"
	"loa/sqlite"
)

// runGaps is `loa content gaps`: what people asked that the content does
// not answer, grouped, with proposals for editors.
func runGaps(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var common commonFlags
	fs := newFlagSet("content gaps", stderr)
	fs.StringVar(&common.content, "content", envContentDir(), "content folder, for the nearest procedure (default: LOA_CONTENT_DIR, else the built-in content)")
	db := fs.String("db", envOr("LOA_DB", "loa.db"), "the state database (LOA_DB)")
	days := fs.Int("days", 30, "how many days back to look")
	asCSV := fs.Bool("csv", false, "write CSV, for reports")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{"content gaps takes no arguments"}
	}
	store, since, err := openReports(ctx, *db, *days)
	if err != nil {
		return err
	}
	defer store.Close()
	kb, err := openBase(ctx, common.content, stderr)
	if err != nil {
		return err
	}
	defer kb.Close()
	gaps, err := bot.Gaps(ctx, store, since, bot.NearestIn(kb))
	if err != nil {
		return err
	}
	if *asCSV {
		return bot.WriteGapsCSV(stdout, gaps)
	}
	return bot.WriteGaps(stdout, gaps, 0)
}

// runStats is `loa stats`: questions, answers, escalations and votes, by
// language, procedure and week.
func runStats(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("stats", stderr)
	db := fs.String("db", envOr("LOA_DB", "loa.db"), "the state database (LOA_DB)")
	days := fs.Int("days", 28, "how many days back to count")
	asCSV := fs.Bool("csv", false, "write CSV, for reports")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{"stats takes no arguments"}
	}
	store, since, err := openReports(ctx, *db, *days)
	if err != nil {
		return err
	}
	defer store.Close()
	stats, err := bot.CountStats(ctx, store, since, time.Now())
	if err != nil {
		return err
	}
	if *asCSV {
		return bot.WriteStatsCSV(stdout, stats)
	}
	return bot.WriteStats(stdout, stats, 0)
}

// openReports opens an existing state database for reading reports from
// days ago (a report never creates an empty database).
func openReports(ctx context.Context, db string, days int) (*sqlite.Store, time.Time, error) {
	if days < 1 {
		return nil, time.Time{}, usageError{fmt.Sprintf("--days %d: want 1 or more", days)}
	}
	if _, err := os.Stat(db); err != nil {
		return nil, time.Time{}, usageError{fmt.Sprintf("no state database at %s: set --db or LOA_DB", db)}
	}
	store, err := sqlite.Open(ctx, db)
	if err != nil {
		return nil, time.Time{}, err
	}
	return store, time.Now().AddDate(0, 0, -days), nil
}
