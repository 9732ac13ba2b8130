package telegram

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// journalGate knows the highest update id that has been recorded in the
// journal (or, when the store failed, handled without it).
type journalGate struct {
	mu      sync.Mutex
	highest int64
	changed chan struct{} // closed and replaced whenever highest grows
}

func newJournalGate() *journalGate { return &journalGate{changed: make(chan struct{})} }

// received notes that update id is in the journal.
func (g *journalGate) received(id int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if id > g.highest {
		g.highest = id
		close(g.changed)
		g.changed = make(chan struct{})
	}
}

// wait blocks until every update up to id is recorded, or ctx ends. An id
// the gate was never given (the first poll, after a restart) waits for
// nothing: the library only acknowledges updates it handed over.
func (g *journalGate) wait(ctx context.Context, id, handedOver int64) error {
	for {
		g.mu.Lock()
		done, changed := g.highest >= min(id, handedOver), g.changed
		g.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// gatedClient is the Bot API client's HTTP client: a getUpdates call, which
// acknowledges every update before its offset, goes out only once those
// updates are in the journal. Every other call passes straight through.
type gatedClient struct {
	client *http.Client
	gate   *journalGate

	mu      sync.Mutex
	highest int64 // the highest update id a getUpdates answer held
}

func (c *gatedClient) Do(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/getUpdates") {
		return c.client.Do(req)
	}
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	if offset, ok := formOffset(body, req.Header.Get("Content-Type")); ok {
		c.mu.Lock()
		handedOver := c.highest
		c.mu.Unlock()
		if err := c.gate.wait(req.Context(), offset-1, handedOver); err != nil {
			return nil, err
		}
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return resp, err
	}
	// Note the updates this answer hands over, so the next poll waits for
	// them and for nothing else.
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	if err == nil {
		if id := lastUpdateID(data); id > 0 {
			c.mu.Lock()
			c.highest = max(c.highest, id)
			c.mu.Unlock()
		}
	}
	return resp, nil
}

// formOffset reads the offset field of a multipart getUpdates request.
func formOffset(body []byte, contentType string) (int64, bool) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["boundary"] == "" {
		return 0, false
	}
	r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		part, err := r.NextPart()
		if err != nil {
			return 0, false
		}
		if part.FormName() == "offset" {
			v, _ := io.ReadAll(io.LimitReader(part, 32))
			n, err := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64)
			return n, err == nil
		}
	}
}

// lastUpdateID finds the highest "update_id" in a getUpdates answer
// without decoding the updates themselves.
func lastUpdateID(data []byte) int64 {
	var highest int64
	const key = `"update_id":`
	for i := bytes.Index(data, []byte(key)); i >= 0; {
		rest := data[i+len(key):]
		j := 0
		for j < len(rest) && (rest[j] == ' ' || rest[j] >= '0' && rest[j] <= '9') {
			j++
		}
		if n, err := strconv.ParseInt(strings.TrimSpace(string(rest[:j])), 10, 64); err == nil {
			highest = max(highest, n)
		}
		next := bytes.Index(rest, []byte(key))
		if next < 0 {
			break
		}
		i += len(key) + next
	}
	return highest
}

// health remembers the last failure of the state store, for /healthz.
type health struct {
	mu     sync.Mutex
	last   error
	failed time.Time
}

// healthWindow is how long one failure keeps /healthz degraded.
const healthWindow = time.Minute

func (h *health) fail(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last, h.failed = err, time.Now()
}

func (h *health) err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.last == nil || time.Since(h.failed) > healthWindow {
		return nil
	}
	return h.last
}
