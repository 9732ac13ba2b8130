package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"loa/knowledge"
	"loa/locales"
	"loa/review"
	"loa/sqlite"
)

func runContent(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"content needs a subcommand: check, export, apply-reviews, draft-translation or gaps"}
	}
	switch args[0] {
	case "check":
		return runContentCheck(args[1:], stdout, stderr)
	case "export":
		return runContentExport(args[1:], stdout, stderr)
	case "apply-reviews":
		return runApplyReviews(ctx, args[1:], stdout, stderr)
	case "draft-translation":
		return runDraftTranslation(ctx, args[1:], stdout, stderr)
	case "gaps":
		return runGaps(ctx, args[1:], stdout, stderr)
	}
	return usageError{fmt.Sprintf("unknown content subcommand %q: use check, export, apply-reviews, draft-translation or gaps", args[0])}
}

func runContentCheck(args []string, stdout, stderr io.Writer) error {
	var common commonFlags
	fs := newFlagSet("content check", stderr)
	fs.StringVar(&common.content, "content", envContentDir(), "content folder (default: LOA_CONTENT_DIR, else the built-in content)")
	strict := fs.Bool("strict", false, "fail on warnings too (stale or missing translations, uncited sources, expired dated content)")
	date := fs.String("date", "", "judge dated content (valid_until) as on this day, YYYY-MM-DD (default: today in Vietnam)")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{"content check takes no arguments"}
	}
	today := time.Now()
	if *date != "" {
		d, err := time.Parse("2006-01-02", *date)
		if err != nil {
			return usageError{fmt.Sprintf("--date %q: write it as YYYY-MM-DD", *date)}
		}
		today = d
	}
	fsys, err := contentFS(common.content)
	if err != nil {
		return err
	}
	c, problems := knowledge.Load(fsys, knowledge.AsOf(today))
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	if len(problems) > 0 {
		fmt.Fprintln(stdout)
	}
	printCoverage(stdout, knowledge.CoverageOf(c))
	printRecordings(stdout, c)
	cat, err := loadCatalog()
	if err != nil {
		return err
	}
	printInterfaceCoverage(stdout, cat)
	errs, warns := problems.Count(knowledge.Error), problems.Count(knowledge.Warning)
	fmt.Fprintf(stdout, "\n%d procedure(s), %d error(s), %d warning(s)\n", len(c.Procedures), errs, warns)
	if errs > 0 || *strict && warns > 0 {
		return errReported
	}
	return nil
}

// printRecordings lists the people's recordings shipped with the content.
func printRecordings(w io.Writer, c *knowledge.Content) {
	n := 0
	for _, p := range c.Procedures {
		for _, r := range p.Recordings {
			if n == 0 {
				fmt.Fprintln(w, "\nrecordings (read by a person, preferred over every machine voice):")
			}
			section := string(r.Section)
			if section == "" {
				section = "card"
			}
			fmt.Fprintf(w, "  %-28s %-4s %-9s %5.1f s  %s\n", p.ID, r.Lang, section, r.Seconds, r.File)
			n++
		}
	}
	if n == 0 {
		fmt.Fprintln(w, "\nrecordings: none (procedures/<id>/audio/<lang>.ogg)")
	}
}

func printCoverage(w io.Writer, cov knowledge.Coverage) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := []string{"procedure", "vi digest"}
	for _, l := range knowledge.Langs() {
		header = append(header, string(l))
	}
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, row := range cov.Rows {
		cells := []string{row.ID, row.Digest}
		for _, l := range knowledge.Langs() {
			cells = append(cells, string(row.Status[l]))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, l := range knowledge.Langs() {
		var parts []string
		for _, s := range knowledge.Statuses() {
			if n := cov.Totals[l][s]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", s, n))
			}
		}
		fmt.Fprintf(w, "%-5s %s\n", l, strings.Join(parts, ", "))
	}
}

func printInterfaceCoverage(w io.Writer, cat *locales.Catalog) {
	fmt.Fprintf(w, "\ninterface text (%d messages):\n", len(cat.IDs()))
	for _, l := range knowledge.Langs() {
		status, reviewer, ok := cat.Status(string(l))
		if !ok {
			fmt.Fprintf(w, "%-5s missing (falls back to Vietnamese)\n", l)
			continue
		}
		line := fmt.Sprintf("%-5s %s", l, status)
		if reviewer != "" {
			line += " by " + reviewer
		}
		if miss := cat.Missing(string(l)); len(miss) > 0 {
			line += fmt.Sprintf(", %d message(s) missing", len(miss))
		}
		if same := cat.SameAsVietnamese(string(l)); len(same) > 0 {
			line += fmt.Sprintf(", %d word for word as in Vietnamese", len(same))
		}
		fmt.Fprintln(w, line)
	}
}

func runContentExport(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("content export", stderr)
	dir := fs.String("content", envContentDir(), "content folder (default: LOA_CONTENT_DIR, else the built-in content)")
	jsonl := fs.Bool("jsonl", false, "one JSON object per (procedure, language) line")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{"content export takes no arguments"}
	}
	if !*jsonl {
		return usageError{"content export needs a format: --jsonl"}
	}
	fsys, err := contentFS(*dir)
	if err != nil {
		return err
	}
	c, problems := knowledge.Load(fsys)
	if err := problems.Err(); err != nil {
		fmt.Fprintln(stderr, err)
		return errReported
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for _, rec := range knowledge.Export(c) {
		if err := enc.Encode(rec); err != nil {
			return fmt.Errorf("write export: %w", err)
		}
	}
	return nil
}

// runApplyReviews writes reviewers' decisions from the state database into
// a content folder, for editors to read as a diff and commit.
func runApplyReviews(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("content apply-reviews", stderr)
	dir := fs.String("content", envOr("LOA_CONTENT_DIR", "content"), "content folder to write (default: LOA_CONTENT_DIR, else ./content)")
	db := fs.String("db", envOr("LOA_DB", "loa.db"), "state database holding the decisions (default: LOA_DB, else loa.db)")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{"content apply-reviews takes no arguments"}
	}
	if _, err := os.Stat(*db); err != nil {
		return usageError{fmt.Sprintf("no state database at %s: set --db or LOA_DB", *db)}
	}
	store, err := sqlite.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	ds, err := store.Decisions(ctx)
	if err != nil {
		return err
	}
	rep, err := review.Apply(*dir, ds)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d correction(s) written, %d approval(s), %d file(s) now reviewed, %d new draft(s)\n", rep.Applied, rep.Approved, len(rep.Reviewed), len(rep.Created))
	for _, f := range rep.Reviewed {
		fmt.Fprintf(stdout, "reviewed: %s\n", f)
	}
	for _, f := range rep.Created {
		fmt.Fprintf(stdout, "new draft written by volunteers: %s\n", f)
	}
	for _, h := range rep.Held {
		fmt.Fprintf(stdout, "held for an editor: %s\n", h)
	}
	return nil
}
