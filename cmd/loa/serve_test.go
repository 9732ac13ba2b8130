package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"loa/bot/telegramtest"
	"loa/sqlite"
)

func TestServeNeedsToken(t *testing.T) {
	t.Setenv("TELEGRAM_BOT_TOKEN", "")
	code, _, errOut := runLoa(t, "", "serve")
	if code != exitUsage || !strings.Contains(errOut, "loa chat") {
		t.Errorf("exit %d, stderr %s", code, errOut)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// stopBound bounds how long a test waits for an event before calling it
// lost. It is no timing assertion: a -race build on a loaded 2-core machine
// starts serve in about 20 s, and the wait ends as soon as the event comes.
const stopBound = 3 * time.Minute

// awaitCalls waits for the first call of method, failing at once if serve
// exits first.
func awaitCalls(t *testing.T, fake *telegramtest.Server, method string, done <-chan int) []telegramtest.Call {
	t.Helper()
	for deadline := time.Now().Add(stopBound); time.Now().Before(deadline); {
		if calls, err := fake.WaitCalls(method, 1, time.Second); err == nil {
			return calls
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited (%d) before any %s", code, method)
		default:
		}
	}
	t.Fatalf("no %s within %v", method, stopBound)
	return nil
}

// TestServeAgainstFake runs `loa serve` as a user would, against the fake
// Bot API, then stops it as SIGINT would.
func TestServeAgainstFake(t *testing.T) {
	fake := telegramtest.New(t)
	admin := freeAddr(t)
	t.Setenv("LOA_CONTENT_DIR", "")
	t.Setenv("TELEGRAM_BOT_TOKEN", fake.Token)
	t.Setenv("LOA_TELEGRAM_API_URL", fake.URL)
	t.Setenv("LOA_DB", filepath.Join(t.TempDir(), "loa.db"))
	t.Setenv("LOA_ADMIN_ADDR", admin)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve"}, strings.NewReader(""), io.Discard, &stderr) }()

	fake.Push(telegramtest.Text(77, "lam giay khai sinh cho con 0912345678"))
	calls := awaitCalls(t, fake, "sendMessage", done)
	if !strings.Contains(calls[len(calls)-1].Params["text"], "Đăng ký khai sinh") {
		t.Errorf("reply: %q", calls[len(calls)-1].Params["text"])
	}
	for _, path := range []string{"/healthz", "/metrics"} {
		resp, err := http.Get("http://" + admin + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || path == "/metrics" && !strings.Contains(string(body), "loa_answers_total") {
			t.Errorf("%s: %d %.200s", path, resp.StatusCode, body)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("serve exit %d:\n%s", code, stderr.String())
		}
	case <-time.After(stopBound):
		t.Fatal("serve did not stop")
	}
	logs := stderr.String()
	for _, secret := range []string{fake.Token, "0912345678", "khai sinh"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q:\n%s", secret, logs)
		}
	}
}

func TestApplyReviewsCommand(t *testing.T) {
	t.Setenv("LOA_CONTENT_DIR", "")
	if code, _, errOut := runLoa(t, "", "content", "apply-reviews", "--db", filepath.Join(t.TempDir(), "none.db")); code != exitUsage || !strings.Contains(errOut, "no state database") {
		t.Errorf("missing database: exit %d %s", code, errOut)
	}
	db := filepath.Join(t.TempDir(), "loa.db")
	store, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	code, out, errOut := runLoa(t, "", "content", "apply-reviews", "--db", db, "--content", "../../content")
	if code != exitOK || !strings.Contains(out, "0 correction(s) written") {
		t.Errorf("exit %d: %s %s", code, out, errOut)
	}
}

func TestReviewersFromEnv(t *testing.T) {
	t.Setenv("TELEGRAM_BOT_TOKEN", "x")
	t.Setenv("LOA_REVIEWERS", "12:hmn,13:tay")
	cfg, err := serveConfigFromEnv()
	if err != nil || len(cfg.reviewers["telegram:12"]) != 1 || len(cfg.reviewers["telegram:13"]) != 1 {
		t.Fatalf("%+v %v", cfg.reviewers, err)
	}
	t.Setenv("LOA_REVIEWERS", "12:klingon")
	if _, err := serveConfigFromEnv(); err == nil {
		t.Error("an unknown language accepted")
	}
}

// A server or proxy that answers with a page quoting the request path (and
// so the token), or a phone number, gets neither into the logs or onto the
// terminal: at start (getMe), while polling and while replying.
func TestServeNeverPrintsTheToken(t *testing.T) {
	const body = "<html>Cannot POST {path} — caller 0912 345 678</html>"
	serve := func(t *testing.T, fake *telegramtest.Server) (cancel func(), done chan int, stderr *syncBuffer) {
		t.Setenv("LOA_CONTENT_DIR", "")
		t.Setenv("TELEGRAM_BOT_TOKEN", fake.Token)
		t.Setenv("LOA_TELEGRAM_API_URL", fake.URL)
		t.Setenv("LOA_DB", filepath.Join(t.TempDir(), "loa.db"))
		t.Setenv("LOA_ADMIN_ADDR", freeAddr(t))
		t.Setenv("LOA_LOG_LEVEL", "debug")
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		done, stderr = make(chan int, 1), &syncBuffer{}
		go func() { done <- run(ctx, []string{"serve"}, strings.NewReader(""), io.Discard, stderr) }()
		return cancel, done, stderr
	}
	leaks := func(t *testing.T, fake *telegramtest.Server, out string) {
		t.Helper()
		_, secret, _ := strings.Cut(fake.Token, ":")
		for _, leak := range []string{secret, "0912", "345 678"} {
			if strings.Contains(out, leak) {
				t.Errorf("output holds %q:\n%s", leak, out)
			}
		}
	}
	t.Run("getMe", func(t *testing.T) {
		fake := telegramtest.New(t)
		fake.Fail("getMe", telegramtest.Fault{Status: 404, Body: body})
		_, done, stderr := serve(t, fake)
		select {
		case code := <-done:
			if code == exitOK {
				t.Error("serve started against a server that failed getMe")
			}
		case <-time.After(stopBound):
			t.Fatal("serve did not give up")
		}
		if !strings.Contains(stderr.String(), "Cannot POST") {
			t.Errorf("the error is not shown: %s", stderr.String())
		}
		leaks(t, fake, stderr.String())
	})
	t.Run("polling and replies", func(t *testing.T) {
		fake := telegramtest.New(t)
		for range 3 {
			fake.Fail("getUpdates", telegramtest.Fault{Status: 404, Body: body})
		}
		fake.Fail("sendMessage", telegramtest.Fault{Status: 404, Body: body}) // a proxy's page: retried, and logged
		cancel, done, stderr := serve(t, fake)
		fake.Push(telegramtest.Text(77, "lam giay khai sinh"))
		awaitCalls(t, fake, "sendMessage", done)
		for deadline := time.Now().Add(stopBound); !strings.Contains(stderr.String(), "retrying") && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond) // polls a log, which has no event to await
		}
		cancel()
		<-done
		out := stderr.String()
		if !strings.Contains(out, "getUpdates") || !strings.Contains(out, "retrying") || !strings.Contains(out, "Cannot POST") {
			t.Errorf("the failures are not logged:\n%s", out)
		}
		leaks(t, fake, out)
	})
}

// syncBuffer is a bytes.Buffer that serve's goroutines and the test may
// use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
