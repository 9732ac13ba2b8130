package privacy

import (
	"context"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
)

// SecretMask replaces a secret (a bot token, an API key) wherever it
// appears in a log line.
const SecretMask = "***"

// Scrubber removes secrets and personal numbers from text that leaves the
// process: log lines, error messages printed to the terminal.
type Scrubber struct {
	secrets []string
}

// NewScrubber returns a Scrubber for the given secrets; empty ones are
// ignored.
func NewScrubber(secrets ...string) Scrubber {
	var s Scrubber
	for _, secret := range secrets {
		if secret = strings.TrimSpace(secret); secret != "" {
			s.secrets = append(s.secrets, secret)
		}
	}
	return s
}

// Scrub returns text with every secret masked and personal numbers
// redacted. A Telegram token is also masked in its URL-escaped form
// ("123%3AABC"), which a proxy's error page may quote. Network addresses
// ("127.0.0.1:9090") are kept: a log without them is no help.
func (s Scrubber) Scrub(text string) string {
	for _, secret := range s.secrets {
		text = strings.ReplaceAll(text, secret, SecretMask)
		if esc := strings.ReplaceAll(secret, ":", "%3A"); esc != secret {
			text = strings.ReplaceAll(text, esc, SecretMask)
		}
	}
	var kept []string
	text = ipAddress.ReplaceAllStringFunc(text, func(ip string) string {
		if !validIPv4(ip) {
			return ip
		}
		kept = append(kept, ip)
		return ipHold
	})
	text = Redact(text)
	for _, ip := range kept {
		text = strings.Replace(text, ipHold, ip, 1)
	}
	return text
}

// ipAddress matches an IPv4 address with an optional port.
var ipAddress = regexp.MustCompile(`\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?::\d{1,5})?\b`)

// ipHold stands in for an address while the rest is redacted.
const ipHold = "\x00ip\x00"

func validIPv4(s string) bool {
	host, _, _ := strings.Cut(s, ":")
	for _, octet := range strings.Split(host, ".") {
		if n, err := strconv.Atoi(octet); err != nil || n > 255 {
			return false
		}
	}
	return true
}

// Handler returns a slog.Handler that scrubs the message and every string,
// error and Stringer attribute before next sees them, so no log line can
// carry a token or a phone number, whoever wrote it.
func (s Scrubber) Handler(next slog.Handler) slog.Handler {
	return scrubHandler{next: next, s: s}
}

type scrubHandler struct {
	next slog.Handler
	s    Scrubber
}

func (h scrubHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h scrubHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.s.Scrub(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h scrubHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	scrubbed := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		scrubbed[i] = h.attr(a)
	}
	return scrubHandler{next: h.next.WithAttrs(scrubbed), s: h.s}
}

func (h scrubHandler) WithGroup(name string) slog.Handler {
	return scrubHandler{next: h.next.WithGroup(name), s: h.s}
}

func (h scrubHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.s.Scrub(v.String()))
	case slog.KindGroup:
		group := v.Group()
		scrubbed := make([]any, len(group))
		for i, g := range group {
			scrubbed[i] = h.attr(g)
		}
		return slog.Group(a.Key, scrubbed...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, h.s.Scrub(x.Error()))
		case interface{ String() string }:
			return slog.String(a.Key, h.s.Scrub(x.String()))
		case []byte:
			return slog.String(a.Key, h.s.Scrub(string(x)))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
