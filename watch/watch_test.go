package watch

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestDir(t *testing.T) {
	dir := t.TempDir()
	changes := make(chan struct{}, 10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Dir(ctx, dir, 50*time.Millisecond, func() { changes <- struct{}{} }) }()
	t.Cleanup(func() { cancel(); <-done })

	wait := func(what string) {
		t.Helper()
		select {
		case <-changes:
		case <-time.After(5 * time.Second):
			t.Fatalf("no change seen after %s", what)
		}
	}
	time.Sleep(100 * time.Millisecond) // the watcher is set up in its goroutine; nothing to await
	for i := range 5 {                 // a burst is one change
		os.WriteFile(filepath.Join(dir, "a.md"), []byte{byte(i)}, 0o644)
	}
	wait("a burst of writes")
	os.Mkdir(filepath.Join(dir, "procedures"), 0o755)
	wait("a new folder")
	os.WriteFile(filepath.Join(dir, "procedures", "vi.md"), []byte("x"), 0o644)
	wait("a write in the new folder")
	os.WriteFile(filepath.Join(dir, ".vi.md.swp"), []byte("x"), 0o644)
	select {
	case <-changes:
		t.Error("an editor's swap file counted as a change")
	case <-time.After(300 * time.Millisecond):
	}
}

func TestDirMissing(t *testing.T) {
	if err := Dir(context.Background(), filepath.Join(t.TempDir(), "nope"), time.Millisecond, func() {}); err == nil {
		t.Error("a missing folder was watched")
	}
}
