// Package telegramtest is a fake Telegram Bot API server for tests. It
// speaks the protocol go-telegram/bot uses (multipart POST
// /bot<token>/<method>, long-polling getUpdates that blocks until its
// timeout), records every call, and can inject 429s, 5xx errors and slow
// answers.
package telegramtest

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// Call is one request the bot made.
type Call struct {
	Method string
	Params map[string]string
	Failed bool // answered with an injected error: nothing was delivered
}

// Decode unmarshals a JSON-encoded parameter (reply_markup, results…).
func (c Call) Decode(name string, v any) error {
	return json.Unmarshal([]byte(c.Params[name]), v)
}

// Fault is an injected failure for the next call of a method.
type Fault struct {
	Status     int           // HTTP-style error code in the answer: 429, 500, 502…
	RetryAfter int           // seconds, with 429
	Delay      time.Duration // answer late (before the fault, if any)
	// Body, with Status, is sent as it is instead of a JSON error: what a
	// proxy or a misrouted server answers ("Cannot POST /bot<token>/getMe").
	// "{path}" in it is replaced by the request's path, token and all.
	Body string
	// Reset drops the connection before the call reaches the server, as a
	// broken network does.
	Reset bool
	// Description replaces the error's description: Telegram's own, such
	// as "Forbidden: bot was blocked by the user".
	Description string
}

// Server is a fake Bot API.
type Server struct {
	Token string
	URL   string
	Bot   models.User

	srv *httptest.Server

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every state change
	calls     []Call
	pending   []*models.Update
	nextID    int64
	nextMsgID int
	faults    map[string][]Fault
	chats     map[string]Fault // every call to a chat fails so
	webhook   string
	secret    string
	observe   func(Call)
	files     map[string][]byte
}

// AddFile makes a file available through getFile and the download URL.
func (s *Server) AddFile(fileID string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileID] = data
}

// Observe calls f with every call the bot makes, as it arrives (for
// benchmarks that time replies).
func (s *Server) Observe(f func(Call)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.observe = f
}

// New starts a fake server on a free local port, closed when the test ends.
func New(tb testing.TB) *Server {
	tb.Helper()
	s, err := Start("127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Start runs a fake server on addr, for `loa telegram-fake`.
func Start(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("fake Bot API: %w", err)
	}
	s := &Server{
		Token:   "123456:TEST-token",
		Bot:     models.User{ID: 123456, IsBot: true, FirstName: "Loa", Username: "LoaBot"},
		changed: make(chan struct{}),
		// Ids keep growing across restarts, as Telegram's do, so a bot that
		// remembers handled ids does not take new updates for old ones.
		nextID: time.Now().UnixMilli(),
		faults: map[string][]Fault{},
		files:  map[string][]byte{},
	}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Listener.Close()
	s.srv.Listener = ln
	s.srv.Start()
	s.URL = s.srv.URL
	return s, nil
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Push queues an update for getUpdates and returns its id.
func (s *Server) Push(u models.Update) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	u.ID = s.nextID
	s.nextID++
	s.pending = append(s.pending, &u)
	s.notifyLocked()
	return u.ID
}

// Redeliver queues an update again with the id it had, as Telegram does
// when it did not see the bot's answer.
func (s *Server) Redeliver(u models.Update) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending = append(s.pending, &u)
	s.notifyLocked()
}

// SkipUpdateIDs makes the next update ids start at next, as after a
// restart against the same state.
func (s *Server) SkipUpdateIDs(next int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID = next
}

// Fail makes the next call of method fail with f (faults queue up).
func (s *Server) Fail(method string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], f)
}

// FailChat makes every call to chatID fail with f, as a user who blocked
// the bot (403) or a chat that is gone (400) does.
func (s *Server) FailChat(chatID int64, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.chats == nil {
		s.chats = map[string]Fault{}
	}
	s.chats[strconv.FormatInt(chatID, 10)] = f
}

// Calls returns the recorded calls of method ("" for all).
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls blocks until method has been called at least n times, or the
// timeout passes.
func (s *Server) WaitCalls(method string, n int, timeout time.Duration) ([]Call, error) {
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if calls := s.Calls(method); len(calls) >= n {
			return calls, nil
		}
		select {
		case <-ch:
		case <-deadline:
			return s.Calls(method), fmt.Errorf("waited %v for %d %s call(s), got %d", timeout, n, method, len(s.Calls(method)))
		}
	}
}

// Webhook returns the webhook URL and secret the bot registered.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook, s.secret
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if files := "/file/bot" + s.Token + "/voice/"; r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, files) {
		s.mu.Lock()
		data, ok := s.files[strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, files), ".oga")]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
		return
	}
	prefix := "/bot" + s.Token + "/"
	if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, prefix) {
		writeError(w, http.StatusUnauthorized, "Unauthorized", 0)
		return
	}
	method := strings.TrimPrefix(r.URL.Path, prefix)
	params := map[string]string{}
	if err := r.ParseMultipartForm(10 << 20); err == nil {
		for k, v := range r.MultipartForm.Value {
			params[k] = v[0]
		}
		for k, files := range r.MultipartForm.File { // an upload: its name, size and first bytes
			f, err := files[0].Open()
			if err != nil {
				continue
			}
			head := make([]byte, 4)
			n, _ := io.ReadFull(f, head)
			f.Close()
			params[k] = fmt.Sprintf("upload:%s:%d:%s", files[0].Filename, files[0].Size, head[:n])
		}
	}
	s.mu.Lock()
	if q := s.faults[method]; len(q) > 0 && q[0].Reset {
		s.faults[method] = q[1:]
		s.mu.Unlock()
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
			}
		}
		return
	}
	var fault *Fault
	if q := s.faults[method]; len(q) > 0 {
		fault, s.faults[method] = &q[0], q[1:]
	} else if f, ok := s.chats[params["chat_id"]]; ok && params["chat_id"] != "" {
		fault = &f
	}
	call := Call{Method: method, Params: params, Failed: fault != nil && fault.Status != 0}
	s.calls = append(s.calls, call)
	observe := s.observe
	s.notifyLocked()
	s.mu.Unlock()
	if observe != nil {
		observe(call)
	}

	if fault != nil {
		select {
		case <-time.After(fault.Delay):
		case <-r.Context().Done():
			return
		}
		if fault.Status != 0 && fault.Body != "" {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(fault.Status)
			io.WriteString(w, strings.ReplaceAll(fault.Body, "{path}", r.URL.Path))
			return
		}
		if fault.Status != 0 {
			writeError(w, fault.Status, cmp.Or(fault.Description, http.StatusText(fault.Status)), fault.RetryAfter)
			return
		}
	}
	result, err := s.answer(r.Context(), method, params)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error(), 0)
		return
	}
	writeResult(w, result)
}

func (s *Server) answer(ctx context.Context, method string, p map[string]string) (any, error) {
	switch method {
	case "getMe":
		return s.Bot, nil
	case "getUpdates":
		return s.getUpdates(ctx, p), nil
	case "sendMessage", "editMessageText":
		chatID, _ := strconv.ParseInt(p["chat_id"], 10, 64)
		s.mu.Lock()
		s.nextMsgID++
		id := s.nextMsgID
		s.mu.Unlock()
		if p["text"] == "" {
			return nil, fmt.Errorf("message text is empty")
		}
		if n := len([]rune(p["text"])); n > 4096 {
			return nil, fmt.Errorf("message is too long (%d characters)", n)
		}
		return models.Message{ID: id, Chat: models.Chat{ID: chatID}, Date: int(time.Now().Unix()), Text: p["text"]}, nil
	case "sendVoice":
		chatID, _ := strconv.ParseInt(p["chat_id"], 10, 64)
		s.mu.Lock()
		s.nextMsgID++
		id := s.nextMsgID
		s.mu.Unlock()
		fileID := p["voice"]
		if strings.HasPrefix(fileID, "upload:") {
			fileID = fmt.Sprintf("uploaded-voice-%d", id) // Telegram gives every upload a file_id
		} else if fileID == "" {
			return nil, fmt.Errorf("there is no voice in the request")
		}
		return models.Message{ID: id, Chat: models.Chat{ID: chatID}, Date: int(time.Now().Unix()), Caption: p["caption"], Voice: &models.Voice{FileID: fileID, FileUniqueID: fileID}}, nil
	case "setWebhook":
		s.mu.Lock()
		s.webhook, s.secret = p["url"], p["secret_token"]
		s.mu.Unlock()
		return true, nil
	case "deleteWebhook":
		s.mu.Lock()
		s.webhook, s.secret = "", ""
		s.mu.Unlock()
		return true, nil
	case "answerCallbackQuery", "answerInlineQuery", "setMyCommands", "sendChatAction", "sendMessageDraft":
		return true, nil
	case "getFile":
		s.mu.Lock()
		data, ok := s.files[p["file_id"]]
		s.mu.Unlock()
		if !ok {
			return nil, fmt.Errorf("wrong file_id")
		}
		return models.File{FileID: p["file_id"], FileUniqueID: p["file_id"], FileSize: int64(len(data)), FilePath: "voice/" + p["file_id"] + ".oga"}, nil
	}
	return nil, fmt.Errorf("method %s is not faked", method)
}

// getUpdates answers pending updates at or after offset, or blocks until
// one arrives or the poll's timeout passes (an instant empty answer would
// make the client spin).
func (s *Server) getUpdates(ctx context.Context, p map[string]string) []*models.Update {
	offset, _ := strconv.ParseInt(p["offset"], 10, 64)
	timeout, _ := strconv.Atoi(p["timeout"])
	deadline := time.After(time.Duration(timeout) * time.Second)
	for {
		s.mu.Lock()
		kept := s.pending[:0]
		for _, u := range s.pending {
			if u.ID >= offset {
				kept = append(kept, u)
			}
		}
		s.pending = kept
		ready := append([]*models.Update(nil), s.pending...)
		ch := s.changed
		s.mu.Unlock()
		if len(ready) > 0 {
			return ready
		}
		select {
		case <-ch:
		case <-deadline:
			return []*models.Update{}
		case <-ctx.Done():
			return []*models.Update{}
		}
	}
}

func writeResult(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func writeError(w http.ResponseWriter, code int, desc string, retryAfter int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	body := map[string]any{"ok": false, "error_code": code, "description": desc}
	if retryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": retryAfter}
	}
	json.NewEncoder(w).Encode(body)
}

// Text builds an update with a private text message from a user. A
// leading /command gets its bot_command entity, as Telegram sends it.
func Text(userID int64, text string) models.Update {
	m := &models.Message{
		ID:   int(time.Now().UnixNano() % 1e6),
		From: &models.User{ID: userID, FirstName: "Dân"},
		Chat: models.Chat{ID: userID, Type: models.ChatTypePrivate},
		Date: int(time.Now().Unix()),
		Text: text,
	}
	if strings.HasPrefix(text, "/") {
		cmd, _, _ := strings.Cut(text, " ")
		m.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: len(utf16.Encode([]rune(cmd)))}}
	}
	return models.Update{Message: m}
}

// Voice builds an update with a private voice note from a user; the file
// itself is added with AddFile.
func Voice(userID int64, fileID string, seconds int, size int64) models.Update {
	u := Text(userID, "")
	u.Message.Voice = &models.Voice{FileID: fileID, FileUniqueID: fileID, Duration: seconds, MimeType: "audio/ogg", FileSize: size}
	return u
}

// GroupText builds an update with a text message in a group chat.
func GroupText(chatID, userID int64, text string, entities ...models.MessageEntity) models.Update {
	u := Text(userID, text)
	u.Message.Chat = models.Chat{ID: chatID, Type: models.ChatTypeGroup}
	u.Message.Entities = entities
	return u
}

// Callback builds an update with a button press on a bot message.
func Callback(userID int64, data string) models.Update {
	return models.Update{CallbackQuery: &models.CallbackQuery{
		ID:   strconv.FormatInt(time.Now().UnixNano(), 10),
		From: models.User{ID: userID},
		Message: models.MaybeInaccessibleMessage{
			Type:    models.MaybeInaccessibleMessageTypeMessage,
			Message: &models.Message{ID: 1, Chat: models.Chat{ID: userID, Type: models.ChatTypePrivate}},
		},
		Data: data,
	}}
}
