package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing/fstest"

	"loa/knowledge"
	"loa/llm"
)

// runDraftTranslation asks the LLM for first translations of vi.md files,
// marks them `status: machine` with the right source_digest, checks them
// as `content check` would, and writes only those that pass. A reviewed
// or draft translation is never touched.
func runDraftTranslation(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("content draft-translation", stderr)
	dir := fset.String("content", "content", "the content folder to write into")
	langFlag := fset.String("lang", "", "the language to translate into: hmn, dao, tay, giay")
	id := fset.String("id", "", "one procedure (default: every procedure without a reviewed or draft text)")
	if rest, err := parseFlags(fset, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{"content draft-translation takes no arguments"}
	}
	lang, err := knowledge.ParseLang(*langFlag)
	if err != nil || lang == knowledge.Vietnamese {
		return usageError{"--lang must be one of hmn, dao, tay, giay"}
	}
	cfg, ok, err := llm.ConfigFromEnv()
	if err != nil {
		return usageError{err.Error()}
	}
	if !ok {
		return usageError{"draft-translation needs LOA_LLM_BASE_URL and LOA_LLM_MODEL: see README"}
	}
	root := os.DirFS(*dir)
	c, problems := knowledge.Load(root)
	if problems.Err() != nil {
		return fmt.Errorf("%s has content errors; fix them first (loa content check --content %s): %w", *dir, *dir, problems.Err())
	}
	client := llm.New(cfg, nil)
	var glossary []string
	for _, term := range c.Glossary {
		if tr, ok := term.Translations[lang]; ok && tr.Text != "" {
			glossary = append(glossary, term.VI+" = "+tr.Text)
		}
	}
	written, failed := 0, 0
	for _, p := range c.Procedures {
		if *id != "" && p.ID != *id {
			continue
		}
		if st := p.StatusOf(lang); st == knowledge.Reviewed || st == knowledge.Draft {
			fmt.Fprintf(stdout, "kept     %s: its %s text is %s; a person's text is never replaced\n", p.ID, lang.Name(), st)
			continue
		}
		file := filepath.Join("procedures", p.ID, string(lang)+".md") // the file names are the codes: hmn.md, tay.md…
		vi, err := fs.ReadFile(root, filepath.ToSlash(filepath.Join("procedures", p.ID, "vi.md")))
		if err != nil {
			return err
		}
		out, err := client.Translate(ctx, string(vi), lang, glossary)
		if err != nil {
			failed++
			fmt.Fprintf(stdout, "failed   %s: %v\n", p.ID, err)
			continue
		}
		out = markMachine(out, p.Digest)
		if msgs := checkTranslation(root, filepath.ToSlash(file), out); len(msgs) > 0 {
			failed++
			fmt.Fprintf(stdout, "rejected %s: the translation fails the content check, nothing written:\n  %s\n", p.ID, strings.Join(msgs, "\n  "))
			continue
		}
		if err := os.WriteFile(filepath.Join(*dir, file), []byte(out), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", file, err)
		}
		written++
		fmt.Fprintf(stdout, "written  %s (status: machine): review it, then commit\n", file)
	}
	fmt.Fprintf(stdout, "%d written, %d failed or rejected\n", written, failed)
	if failed > 0 {
		return errReported
	}
	return nil
}

var (
	statusLine = regexp.MustCompile(`(?m)^(status|reviewed_by|source_digest):.*\n`)
	frontEnd   = regexp.MustCompile(`(?m)^---\s*$`)
)

// markMachine sets the front matter's status to machine and its
// source_digest to the Vietnamese it came from, whatever the model wrote.
func markMachine(file, digest string) string {
	file = statusLine.ReplaceAllString(file, "")
	locs := frontEnd.FindAllStringIndex(file, 2)
	if len(locs) < 2 {
		return file // no front matter: the check says so
	}
	end := locs[1][0]
	return file[:end] + "status: machine\nsource_digest: " + digest + "\n" + file[end:]
}

// checkTranslation loads the content with the new file in place and
// returns the problems that file has.
func checkTranslation(root fs.FS, file, text string) []string {
	overlay := fstest.MapFS{}
	fs.WalkDir(root, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := fs.ReadFile(root, path)
			overlay[path] = &fstest.MapFile{Data: data}
		}
		return nil
	})
	overlay[file] = &fstest.MapFile{Data: []byte(text)}
	_, problems := knowledge.Load(overlay)
	var out []string
	for _, p := range problems {
		if p.File == file {
			out = append(out, p.String())
		}
	}
	return out
}
