package bot

import (
	"sync"
	"time"
)

// floodGuard counts each user's messages per minute, so one user cannot
// starve the others.
type floodGuard struct {
	mu     sync.Mutex
	limit  int
	window time.Time
	counts map[string]int
}

type floodVerdict int

const (
	floodOK   floodVerdict = iota
	floodWarn              // the first message over the limit: say so once
	floodDrop              // later ones in the same minute: ignore
)

func newFloodGuard(perMinute int) *floodGuard {
	return &floodGuard{limit: perMinute, counts: map[string]int{}}
}

// check records a message from user at now. The counts start afresh each
// minute, which also keeps the map small.
func (f *floodGuard) check(user string, now time.Time) floodVerdict {
	f.mu.Lock()
	defer f.mu.Unlock()
	if now.Sub(f.window) >= time.Minute {
		f.window, f.counts = now, map[string]int{}
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
