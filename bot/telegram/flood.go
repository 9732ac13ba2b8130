package telegram

import (
	"sync"
	"time"
)

// floodGuard counts each user's messages per minute.
type floodGuard struct {
	mu     sync.Mutex
	limit  int
	window time.Time
	counts map[int64]int
}

type floodVerdict int

const (
	floodOK   floodVerdict = iota
	floodWarn              // the first message over the limit: say so once
	floodDrop              // later ones in the same minute: ignore
)

func newFloodGuard(perMinute int) *floodGuard {
	return &floodGuard{limit: perMinute, counts: map[int64]int{}}
}

// check records a message from user at now. The counts start afresh each
// minute, which also keeps the map small.
func (f *floodGuard) check(user int64, now time.Time) floodVerdict {
	f.mu.Lock()
	defer f.mu.Unlock()
	if now.Sub(f.window) >= time.Minute {
		f.window, f.counts = now, map[int64]int{}
	}
	f.counts[user]++
	switch n := f.counts[user]; {
	case n <= f.limit:
		return floodOK
	case n == f.limit+1:
		return floodWarn
	}
	return floodDrop
}
