// Package watch tells when files under a folder change, on
// github.com/fsnotify/fsnotify: for editors' content, live within seconds
// of saving.
package watch

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Dir calls changed after files under dir change, once a burst of changes
// has been quiet for settle (an editor saving, git checking out many
// files), until ctx ends. New folders are watched as they appear. It
// returns when ctx ends, or at once with an error if dir cannot be
// watched.
func Dir(ctx context.Context, dir string, settle time.Duration, changed func()) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", dir, err)
	}
	defer w.Close()
	if err := addTree(w, dir); err != nil {
		return err
	}
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if hidden(ev.Name) {
				continue // editors' swap files, .git
			}
			if ev.Op&fsnotify.Create != 0 {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					_ = addTree(w, ev.Name)
				}
			}
			timer = time.After(settle)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			_ = err // an overflow: reload anyway, it is cheap
			timer = time.After(settle)
		case <-timer:
			timer = nil
			changed()
		}
	}
}

func addTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("watch %s: %w", path, err)
		}
		if d.IsDir() {
			if path != dir && hidden(path) {
				return filepath.SkipDir
			}
			if err := w.Add(path); err != nil {
				return fmt.Errorf("watch %s: %w", path, err)
			}
		}
		return nil
	})
}

func hidden(path string) bool {
	base := filepath.Base(path)
	return strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp")
}
