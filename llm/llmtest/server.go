// Package llmtest is a fake OpenAI-compatible server (chat completions
// with and without SSE streaming, the models list, audio transcriptions
// and speech) that can misbehave
// the ways real servers do: slow first tokens, 429 with Retry-After, 5xx,
// vLLM's and Ollama's error bodies, streams that stall or break, malformed
// chunks. The real go-openai client talks to it.
package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Fault is what the next chat completion does instead of answering well.
type Fault struct {
	Status     int           // answer this HTTP status with Body (or an OpenAI-style error)
	Body       string        // raw error body: vLLM `{"object":"error",...}`, Ollama `{"error":"..."}`
	RetryAfter int           // seconds, with 429
	FirstToken time.Duration // wait this long before the first chunk
	StallAfter int           // stop sending after this many chunks, and hang until the client leaves
	Malformed  bool          // send a chunk that is not JSON
}

// Request is one chat completion request as the server received it.
type Request struct {
	Model    string `json:"model"`
	Stream   bool   `json:"stream"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	MaxTokens int `json:"max_tokens"`
}

// Server is the fake.
type Server struct {
	URL string // with /v1, as LOA_LLM_BASE_URL wants it

	srv    *httptest.Server
	mu     sync.Mutex
	reply  func(Request) string
	faults []Fault
	reqs   []Request

	hear        func(Upload) string
	audioFaults []AudioFault
	uploads     []Upload
}

// New starts a fake that answers every question with reply's text; it
// stops when the test ends.
func New(tb testing.TB, reply func(Request) string) *Server {
	s := &Server{reply: reply}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/models", func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, `{"object":"list","data":[{"id":"fake-model","object":"model","owned_by":"llmtest"}]}`)
	})
	mux.HandleFunc("POST /v1/chat/completions", s.chat)
	mux.HandleFunc("POST /v1/audio/transcriptions", s.transcribe)
	mux.HandleFunc("POST /v1/audio/speech", s.speak)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL + "/v1"
	tb.Cleanup(s.srv.Close)
	return s
}

// Fail queues faults for the next chat completions, one each.
func (s *Server) Fail(f ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f...)
}

// Requests returns the chat completion requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	var req Request
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, `{"error":{"message":"bad json","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	var f Fault
	if len(s.faults) > 0 {
		f, s.faults = s.faults[0], s.faults[1:]
	}
	s.mu.Unlock()
	if f.Status != 0 {
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", fmt.Sprint(f.RetryAfter))
		}
		body := f.Body
		if body == "" {
			body = fmt.Sprintf(`{"error":{"message":"%s","type":"server_error"}}`, http.StatusText(f.Status))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.Status)
		io.WriteString(w, body)
		return
	}
	text := s.reply(req)
	if !req.Stream {
		json.NewEncoder(w).Encode(map[string]any{
			"id": "fake", "object": "chat.completion", "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]string{"role": "assistant", "content": text}}},
			"usage":   map[string]int{"prompt_tokens": promptTokens(req), "completion_tokens": len(strings.Fields(text))},
		})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	flusher, _ := w.(http.Flusher)
	select {
	case <-time.After(f.FirstToken):
	case <-r.Context().Done():
		return
	}
	for i, piece := range chunks(text) {
		if f.StallAfter > 0 && i == f.StallAfter {
			<-r.Context().Done() // a server that stops sending and never closes
			return
		}
		if f.Malformed && i == 1 {
			io.WriteString(w, "data: {not json\n\n")
			flusher.Flush()
			continue
		}
		data, _ := json.Marshal(map[string]any{
			"id": "fake", "object": "chat.completion.chunk", "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": map[string]string{"content": piece}}},
		})
		fmt.Fprintf(w, "data: %s\n\n", data)
		if flusher != nil {
			flusher.Flush()
		}
	}
	io.WriteString(w, "data: [DONE]\n\n")
}

// chunks splits text as a model streams it: a word or two at a time.
func chunks(text string) []string {
	var out []string
	for _, w := range strings.SplitAfter(text, " ") {
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

func promptTokens(req Request) int {
	n := 0
	for _, m := range req.Messages {
		n += len(strings.Fields(m.Content))
	}
	return n
}
