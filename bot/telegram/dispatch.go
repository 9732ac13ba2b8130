package telegram

import (
	"context"
	"sync"
)

// dispatcher runs jobs with bounded concurrency, in order within each key
// (a user): two messages from one user are answered in the order they came.
type dispatcher struct {
	mu     sync.Mutex
	queues map[int64][]func()
	slots  chan struct{}
	wg     sync.WaitGroup
}

func newDispatcher(workers int) *dispatcher {
	return &dispatcher{queues: map[int64][]func(){}, slots: make(chan struct{}, max(1, workers))}
}

// submit queues job behind the chat's earlier jobs.
func (d *dispatcher) submit(chatID int64, job func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	q, running := d.queues[chatID]
	d.queues[chatID] = append(q, job)
	if !running {
		d.wg.Add(1)
		go d.drain(chatID)
	}
}

// drain runs a chat's jobs one after another, holding a worker slot.
func (d *dispatcher) drain(chatID int64) {
	defer d.wg.Done()
	d.slots <- struct{}{}
	defer func() { <-d.slots }()
	for {
		d.mu.Lock()
		q := d.queues[chatID]
		if len(q) == 0 {
			delete(d.queues, chatID)
			d.mu.Unlock()
			return
		}
		job := q[0]
		d.queues[chatID] = q[1:]
		d.mu.Unlock()
		job()
	}
}

// wait blocks until every queued job has run, or ctx ends.
func (d *dispatcher) wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
