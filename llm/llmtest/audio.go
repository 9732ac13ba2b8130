package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Upload is one transcription request as the server received it.
type Upload struct {
	Model, Language, Filename string
	Audio                     []byte
}

// AudioFault is what the next audio call does instead of answering well.
type AudioFault struct {
	Status      int           // answer this HTTP status with Body (or an OpenAI-style error)
	Body        string        // raw error body
	Delay       time.Duration // wait this long first (a slow or cold server)
	Empty       bool          // transcription: an empty text
	WrongFormat bool          // speech: MP3 bytes whatever format was asked
}

// Hear sets what the server hears in an upload (default: nothing).
func (s *Server) Hear(f func(Upload) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hear = f
}

// FailAudio queues faults for the next audio calls, one each.
func (s *Server) FailAudio(f ...AudioFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.audioFaults = append(s.audioFaults, f...)
}

// Uploads returns the transcription requests received so far.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Upload(nil), s.uploads...)
}

func (s *Server) nextAudioFault() AudioFault {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.audioFaults) == 0 {
		return AudioFault{}
	}
	f := s.audioFaults[0]
	s.audioFaults = s.audioFaults[1:]
	return f
}

// fault plays f, and reports whether the call is answered by it.
func (f AudioFault) play(w http.ResponseWriter, r *http.Request) bool {
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return true
		}
	}
	if f.Status == 0 {
		return false
	}
	body := f.Body
	if body == "" {
		body = fmt.Sprintf(`{"error":{"message":"%s","type":"server_error"}}`, http.StatusText(f.Status))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.Status)
	io.WriteString(w, body)
	return true
}

// transcribe answers POST /v1/audio/transcriptions (multipart, as OpenAI's).
func (s *Server) transcribe(w http.ResponseWriter, r *http.Request) {
	f := s.nextAudioFault()
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		http.Error(w, `{"error":{"message":"bad form","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		http.Error(w, `{"error":{"message":"no file","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	audio, _ := io.ReadAll(file)
	up := Upload{Model: r.FormValue("model"), Language: r.FormValue("language"), Filename: header.Filename, Audio: audio}
	s.mu.Lock()
	s.uploads = append(s.uploads, up)
	hear := s.hear
	s.mu.Unlock()
	if strings.HasSuffix(up.Filename, ".oga") { // as OpenAI and Groq do
		http.Error(w, `{"error":{"message":"Unrecognized file format","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	if f.play(w, r) {
		return
	}
	text := ""
	if hear != nil && !f.Empty {
		text = hear(up)
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"text":%q}`, text)
}

// speak answers POST /v1/audio/speech with bytes of the format asked.
func (s *Server) speak(w http.ResponseWriter, r *http.Request) {
	f := s.nextAudioFault()
	var req struct {
		Input          string `json:"input"`
		ResponseFormat string `json:"response_format"`
	}
	if err := decodeJSON(r, &req); err != nil || req.Input == "" {
		http.Error(w, `{"error":{"message":"input is required","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	if f.play(w, r) {
		return
	}
	switch {
	case f.WrongFormat || req.ResponseFormat == "mp3" || req.ResponseFormat == "":
		w.Header().Set("Content-Type", "audio/mpeg")
		io.WriteString(w, "ID3\x04fake mp3 of "+req.Input)
	default:
		w.Header().Set("Content-Type", "audio/ogg")
		io.WriteString(w, "OggS\x00fake opus of "+req.Input)
	}
}

func decodeJSON(r *http.Request, v any) error { return json.NewDecoder(r.Body).Decode(v) }
