package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"loa/bot/telegramtest"
)

// buildLoa builds the loa binary once per test run, for tests that must
// kill it.
var buildLoa = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "loa-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "loa")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// startServe starts the loa binary's serve against fake on the built-in
// content, with env added, and kills it when the test ends. It returns the
// process and what it writes to stderr.
func startServe(t *testing.T, bin string, fake *telegramtest.Server, env ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(append(os.Environ(), "TELEGRAM_BOT_TOKEN="+fake.Token, "LOA_TELEGRAM_API_URL="+fake.URL,
		"LOA_ADMIN_ADDR="+freeAddr(t), "LOA_CONTENT_DIR=", "LOA_SEND_RATE=1000"), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, &stderr
}

// killTally counts the replies each user got.
func killTally(fake *telegramtest.Server, users int) (lost, twice int) {
	got := map[string]int{}
	for _, c := range fake.Calls("sendMessage") {
		got[c.Params["chat_id"]]++
	}
	for u := 1; u <= users; u++ {
		switch n := got[strconv.Itoa(5000+u)]; {
		case n == 0:
			lost++
		case n > 1:
			twice++
		}
	}
	return lost, twice
}

// TestServeSurvivesKill kills `loa serve` with SIGKILL while it answers 60
// users, starts it again on the same database, and counts the users never
// answered (must be 0) and those answered twice, by long polling and by
// webhook. A reply whose sendMessage was in flight at the kill is sent
// again: the Bot API has no idempotency key, so an outbox that never loses
// a reply may repeat those, at most one per call in flight (maxCalls).
func TestServeSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin, err := buildLoa()
	if err != nil {
		t.Fatal(err)
	}
	const users = 60
	for _, mode := range []string{"polling", "webhook"} {
		t.Run(mode, func(t *testing.T) {
			fake := telegramtest.New(t)
			db := filepath.Join(t.TempDir(), "loa.db")
			hook := freeAddr(t)
			start := func() *exec.Cmd {
				env := []string{"LOA_DB=" + db}
				if mode == "webhook" {
					env = append(env, "LOA_WEBHOOK_URL=https://loa.example/hook", "LOA_WEBHOOK_ADDR="+hook, "LOA_WEBHOOK_SECRET=s3cret")
				}
				cmd, _ := startServe(t, bin, fake, env...)
				return cmd
			}
			first := start()
			updates := make([]int64, users)
			if mode == "polling" {
				for u := 1; u <= users; u++ {
					updates[u-1] = fake.Push(telegramtest.Text(int64(5000+u), "lam giay khai sinh"))
				}
			} else {
				// Telegram's side of a webhook: post each update until it is
				// answered 200, retrying while Loa is down.
				go func() {
					for u := 1; u <= users; u++ {
						up := telegramtest.Text(int64(5000+u), "lam giay khai sinh")
						up.ID = int64(9000 + u)
						body, _ := json.Marshal(up)
						for deadline := time.Now().Add(stopBound); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
							req, _ := http.NewRequest(http.MethodPost, "http://"+hook+"/", bytes.NewReader(body))
							req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s3cret")
							resp, err := http.DefaultClient.Do(req)
							if err == nil {
								resp.Body.Close()
								if resp.StatusCode == http.StatusOK {
									break
								}
							}
						}
					}
				}()
			}
			if _, err := fake.WaitCalls("sendMessage", users/3, stopBound); err != nil {
				t.Fatal(err)
			}
			first.Process.Kill() // SIGKILL: no shutdown, no grace
			first.Wait()
			if mode == "webhook" {
				waitListening(t, hook, false)
			}
			start()
			deadline := time.Now().Add(stopBound)
			for {
				lost, twice := killTally(fake, users)
				if lost == 0 || time.Now().After(deadline) {
					t.Logf("%s, kill -9 after %d replies: %d of %d users never answered, %d answered twice", mode, users/3, lost, users, twice)
					if lost != 0 || twice > 16 {
						t.Errorf("%d lost, %d answered twice; want 0, and no more than the 16 calls in flight", lost, twice)
					}
					break
				}
				time.Sleep(50 * time.Millisecond) // replies arrive as calls; the tally has no event of its own
			}
		})
	}
}

// waitListening waits until addr accepts connections (or, with up false,
// refuses them).
func waitListening(t *testing.T, addr string, up bool) {
	t.Helper()
	for deadline := time.Now().Add(stopBound); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		c, err := net.Dial("tcp", addr)
		if c != nil {
			c.Close()
		}
		if (err == nil) == up {
			return
		}
	}
}
