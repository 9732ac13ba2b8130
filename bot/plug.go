package bot

import (
	"context"
	"errors"
	"io"
	"sync"

	"loa/knowledge"
)

// The interfaces Loa's additions plug into. Drafter (draft.go) is the LLM;
// these are the others (the volunteer desk is the core's own, desk.go). Each has one implementation per dependency, in a
// package of its own; the core knows only these.

// Transcriber turns a voice note into text (speech-to-text over an
// OpenAI-compatible /v1/audio/transcriptions server). lang is a hint; a
// Transcriber says with ErrCannotListen when it cannot listen honestly
// to a language.
type Transcriber interface {
	// Listens reports whether it can listen to lang honestly at all.
	Listens(lang knowledge.Lang) bool
	Transcribe(ctx context.Context, audio io.Reader, filename string, lang knowledge.Lang) (string, error)
}

// Speaker reads a text aloud, returning audio and its MIME type.
type Speaker interface {
	// Speaks reports whether it has a voice for lang.
	Speaks(lang knowledge.Lang) bool
	// Speak returns OGG/Opus audio, as chat apps play voice notes.
	Speak(ctx context.Context, text string, lang knowledge.Lang) (audio []byte, mime string, err error)
}

// Sender delivers replies nobody's message asked for just now (a
// volunteer's answer, a reminder, a broadcast) to an address of its
// channel, durably: queued, then sent with the channel's limits.
type Sender interface {
	Send(ctx context.Context, to Address, replies []Reply) error
}

// Locker runs one user's events one at a time: in one process
// (LocalLocker), or across replicas with a shared lock.
type Locker interface {
	// Lock waits for key and returns the function that releases it.
	Lock(ctx context.Context, key string) (unlock func(), err error)
}

// ErrCannotListen says a Transcriber cannot listen to a language: the voice
// note goes to people instead of a guess.
var ErrCannotListen = errors.New("no honest speech recognition for this language")

// LocalLocker is a Locker within one process.
type LocalLocker struct {
	mu   sync.Mutex
	held map[string]*localLock
}

type localLock struct {
	ch      chan struct{} // holds one token while free
	waiters int
}

// Lock implements Locker; ctx ending while waiting returns its error.
func (l *LocalLocker) Lock(ctx context.Context, key string) (func(), error) {
	l.mu.Lock()
	if l.held == nil {
		l.held = map[string]*localLock{}
	}
	lk, ok := l.held[key]
	if !ok {
		lk = &localLock{ch: make(chan struct{}, 1)}
		lk.ch <- struct{}{}
		l.held[key] = lk
	}
	lk.waiters++
	l.mu.Unlock()
	release := func() {
		l.mu.Lock()
		lk.waiters--
		if lk.waiters == 0 {
			delete(l.held, key) // nobody waits: the map stays the size of the busy users
		}
		l.mu.Unlock()
	}
	select {
	case <-lk.ch:
		return func() { lk.ch <- struct{}{}; release() }, nil
	case <-ctx.Done():
		release()
		return nil, ctx.Err()
	}
}
