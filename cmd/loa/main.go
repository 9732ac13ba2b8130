// Command loa runs Loa: an interactive chat on the terminal, one-off
// questions, evaluations of the search, and checks of the content.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"loa/bot"
	"loa/bot/terminal"
	"loa/content"
	"loa/knowledge"
	"loa/llm"
	"loa/locales"
	"loa/privacy"
)

const usage = `Loa answers citizens' questions about administrative procedures.

Usage:
  loa chat   [--content DIR] [--lang vi] [--sources] [--llm]   chat on the terminal (or piped input)
  loa ask    "question" [--content DIR] [--lang vi] [--json] [--sources] [--llm]
  loa eval   FILE.jsonl [--content DIR] [--json] [--misses]
  loa content check  [--content DIR] [--strict] [--date YYYY-MM-DD]
  loa content export --jsonl [--content DIR]
  loa content apply-reviews [--content DIR] [--db loa.db]   write reviewers' decisions into the files
  loa serve  [--content DIR]          the Telegram bot; settings from the environment (README)
  loa telegram-fake [--addr 127.0.0.1:8081] [--user 1001]   a fake Bot API to try serve with
  loa doctor [--content DIR]          check the content and every service configured (LLM, speech, Telegram, LOA_DB)
  loa desk   list [--all] | show ID | close ID  [--db loa.db]   the volunteer desk's items
  loa content gaps [--db loa.db] [--days 30] [--csv] [--content DIR]   what people asked that the content does not answer
  loa stats  [--db loa.db] [--days 28] [--csv]   questions, answers, escalations and votes (counts under 5 as <5)
  loa broadcast --lang hmn --file msg.md [--db loa.db] [--wait=false]   announce to the subscribers (loa serve sends it)
  loa broadcast status [ID] [--db loa.db]   how far each broadcast got: sent, blocked, failed, waiting

Languages: vi (Vietnamese), hmn (H'Mông), dao (Dao, ium), tay (Tày, tyz), giay (Giáy, pcc).
Environment: LOA_CONTENT_DIR is the default for --content (built-in content when empty).
`

// Exit codes scripts can rely on.
const (
	exitOK      = 0
	exitFailure = 1 // the command ran and found problems (content errors, …)
	exitUsage   = 2 // bad flags or arguments, unreadable input
)

// usageError is a mistake in how the command was called.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errReported means the problems have already been printed.
var errReported = errors.New("problems reported")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns its exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	err := dispatch(ctx, args, stdin, stdout, stderr)
	if err != nil {
		// An error may quote a request URL, which holds the bot token.
		err = scrubbedError{err, privacy.NewScrubber(secrets()...).Scrub(err.Error())}
	}
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "loa: %v\n\n%s", err, usage)
		return exitUsage
	case errors.Is(err, errReported):
		return exitFailure
	}
	fmt.Fprintf(stderr, "loa: %v\n", err)
	return exitFailure
}

// scrubbedError keeps an error's chain for errors.Is and As, and prints
// its scrubbed text.
type scrubbedError struct {
	err  error
	text string
}

func (e scrubbedError) Error() string { return e.text }
func (e scrubbedError) Unwrap() error { return e.err }

func dispatch(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"no command given"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "chat":
		return runChat(ctx, rest, stdin, stdout, stderr)
	case "ask":
		return runAsk(ctx, rest, stdout, stderr)
	case "eval":
		return runEval(ctx, rest, stdout, stderr)
	case "content":
		return runContent(ctx, rest, stdout, stderr)
	case "serve":
		return runServe(ctx, rest, stderr)
	case "telegram-fake":
		return runTelegramFake(ctx, rest, stdin, stdout, stderr)
	case "doctor":
		return runDoctor(ctx, rest, stdout, stderr)
	case "desk":
		return runDesk(ctx, rest, stdout, stderr)
	case "stats":
		return runStats(ctx, rest, stdout, stderr)
	case "broadcast":
		return runBroadcast(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

// commonFlags are the flags every command that reads content takes.
type commonFlags struct {
	content string
	lang    string
	llm     bool
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.content, "content", envContentDir(), "content folder (default: LOA_CONTENT_DIR, else the built-in content)")
	fs.StringVar(&c.lang, "lang", "vi", "language: vi, hmn, dao, tay, giay")
}

// secrets are the values no output may show: the bot token and the
// servers' API keys.
func secrets() []string {
	return []string{os.Getenv("TELEGRAM_BOT_TOKEN"), os.Getenv("LOA_LLM_API_KEY"), os.Getenv("LOA_STT_API_KEY"), os.Getenv("LOA_TTS_API_KEY")}
}

// registerLLM adds --llm, for the commands that can draft answers.
func (c *commonFlags) registerLLM(fs *flag.FlagSet) {
	fs.BoolVar(&c.llm, "llm", false, "draft answers with the model server in LOA_LLM_BASE_URL / LOA_LLM_MODEL (see README)")
}

// drafter returns the LLM drafter when one is asked for (or, for serve,
// configured), and nil otherwise; metrics may be nil.
func drafter(wanted bool, metrics *llm.Metrics, log *slog.Logger) (bot.Drafter, error) {
	cfg, ok, err := llm.ConfigFromEnv()
	switch {
	case err != nil:
		return nil, usageError{err.Error()}
	case !ok && wanted:
		return nil, usageError{"--llm needs LOA_LLM_BASE_URL (with /v1) and LOA_LLM_MODEL: see README, \"Drafting with an LLM\""}
	case !ok:
		return nil, nil
	}
	cfg.Logger = log
	return llm.New(cfg, metrics), nil
}

func (c *commonFlags) language() (knowledge.Lang, error) {
	l, err := knowledge.ParseLang(c.lang)
	if err != nil {
		return "", usageError{err.Error()}
	}
	return l, nil
}

// contentFS returns the content folder to use: dir, or the built-in one.
func contentFS(dir string) (fs.FS, error) {
	if dir == "" {
		return content.FS(), nil
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("content folder: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("content folder %s is a file, not a folder", dir)
	}
	return os.DirFS(dir), nil
}

// openBase loads the knowledge base, printing content errors for editors.
func openBase(ctx context.Context, dir string, stderr io.Writer, opts ...knowledge.Option) (*knowledge.Base, error) {
	fsys, err := contentFS(dir)
	if err != nil {
		return nil, err
	}
	kb, problems, err := knowledge.Open(ctx, fsys, opts...)
	if err != nil && problems.Count(knowledge.Error) == 0 {
		return nil, fmt.Errorf("load content: %w", err)
	}
	if err != nil {
		for _, p := range problems {
			if p.Severity == knowledge.Error {
				fmt.Fprintln(stderr, p)
			}
		}
		return nil, fmt.Errorf("cannot use the content (run `loa content check` for details): %d error(s)", problems.Count(knowledge.Error))
	}
	return kb, nil
}

func loadCatalog() (*locales.Catalog, error) {
	cat, err := locales.Load(locales.FS())
	if err != nil {
		return nil, fmt.Errorf("interface text: %w", err)
	}
	return cat, nil
}

// app is Loa wired for the terminal: the knowledge base, the conversation
// core on it, and a plain-text renderer.
type app struct {
	kb     *knowledge.Base
	core   *bot.Core
	render terminal.Renderer
}

func openApp(ctx context.Context, common commonFlags, sources bool, stderr io.Writer) (*app, error) {
	var opts []bot.Option
	if common.llm {
		d, err := drafter(true, nil, slog.New(privacy.NewScrubber(os.Getenv("LOA_LLM_API_KEY")).Handler(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
		if err != nil {
			return nil, err
		}
		opts = append(opts, bot.WithDrafter(d))
	}
	kb, err := openBase(ctx, common.content, stderr)
	if err != nil {
		return nil, err
	}
	cat, err := loadCatalog()
	if err != nil {
		kb.Close()
		return nil, err
	}
	return &app{kb: kb, core: bot.New(kb, opts...), render: terminal.Renderer{Catalog: cat, Sources: sources}}, nil
}

func (a *app) Close() error { return a.kb.Close() }

// parseFlags parses flags that may come before or after the positional
// arguments ("loa ask 'question' --json") and returns the positionals.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("loa "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// envContentDir is the content folder named by the environment, if any.
func envContentDir() string { return os.Getenv("LOA_CONTENT_DIR") }
