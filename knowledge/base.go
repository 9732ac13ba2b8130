package knowledge

import (
	"context"
	"fmt"
	"io/fs"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
)

// Base is the live knowledge base: content and its search index, swapped
// together atomically on reload. It is safe for concurrent use.
type Base struct {
	cur        atomic.Pointer[snapshot]
	confidence Confidence
	reloadMu   sync.Mutex // one reload at a time
}

// snapshot is one loaded content folder and its index.
type snapshot struct {
	content    *Content
	problems   Problems
	index      bleve.Index
	vocab      *vocabulary
	words      map[string]map[string]bool // procedure id → folded words of all its texts
	headWords  map[string]map[string]bool // procedure id → folded words of its titles and keywords
	synonyms   [][][]string               // folded synonym groups, each phrase split into words
	confidence Confidence

	mu     sync.RWMutex // searches hold it shared; retiring holds it alone
	closed bool
}

// Option configures a Base.
type Option func(*Base)

// WithConfidence sets the thresholds of the confident decision.
func WithConfidence(c Confidence) Option { return func(b *Base) { b.confidence = c } }

// Open loads, validates and indexes a content folder. Content with errors is
// refused; the returned Problems then say why. Warnings never stop it.
func Open(ctx context.Context, fsys fs.FS, opts ...Option) (*Base, Problems, error) {
	b := &Base{confidence: DefaultConfidence()}
	for _, o := range opts {
		o(b)
	}
	s, problems, err := b.build(ctx, fsys)
	if err != nil {
		return nil, problems, err
	}
	b.cur.Store(s)
	return b, problems, nil
}

// Reload rebuilds from fsys and swaps it in. When the new content has errors
// or cannot be indexed, the old content keeps serving and the problems are
// returned.
func (b *Base) Reload(ctx context.Context, fsys fs.FS) (Problems, error) {
	b.reloadMu.Lock()
	defer b.reloadMu.Unlock()
	s, problems, err := b.build(ctx, fsys)
	if err != nil {
		return problems, fmt.Errorf("reload refused, still serving the previous content: %w", err)
	}
	old := b.cur.Swap(s)
	if old != nil {
		old.retire()
	}
	return problems, nil
}

func (b *Base) build(ctx context.Context, fsys fs.FS) (*snapshot, Problems, error) {
	c, problems := Load(fsys)
	if err := problems.Err(); err != nil {
		return nil, problems, err
	}
	idx, err := buildIndex(ctx, c)
	if err != nil {
		return nil, problems, err
	}
	s := &snapshot{content: c, problems: problems, index: idx, vocab: newVocabulary(), words: map[string]map[string]bool{}, headWords: map[string]map[string]bool{}, confidence: b.confidence}
	for _, p := range c.Procedures {
		words, head := map[string]bool{}, map[string]bool{}
		for _, t := range p.Texts {
			for _, text := range append([]string{t.Title}, t.Keywords...) {
				for _, w := range tokenize(Fold(text)) {
					head[w] = true
				}
			}
			for _, text := range append([]string{t.Title, t.Summary, bodyText(t)}, t.Keywords...) {
				s.vocab.addText(text)
				for _, w := range tokenize(Fold(text)) {
					words[w] = true
				}
			}
		}
		s.words[p.ID], s.headWords[p.ID] = words, head
	}
	for _, g := range c.Synonyms {
		var group [][]string
		for _, phrase := range g {
			s.vocab.addText(phrase)
			group = append(group, tokenize(Fold(phrase)))
		}
		s.synonyms = append(s.synonyms, group)
	}
	return s, problems, nil
}

// acquire returns the current snapshot, held for reading until release.
func (b *Base) acquire() *snapshot {
	for {
		s := b.cur.Load()
		s.mu.RLock()
		if !s.closed {
			return s
		}
		s.mu.RUnlock() // swapped out meanwhile: take the new one
	}
}

func (s *snapshot) release() { s.mu.RUnlock() }

// retire waits for searches in flight, then frees the index.
func (s *snapshot) retire() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	_ = s.index.Close()
}

// Close frees the index. The Base must not be used afterwards.
func (b *Base) Close() error {
	if s := b.cur.Load(); s != nil {
		s.retire()
	}
	return nil
}

// Content returns the content being served.
func (b *Base) Content() *Content { return b.cur.Load().content }

// Problems returns the warnings of the content being served.
func (b *Base) Problems() Problems { return b.cur.Load().problems }

// Search finds the procedures that answer a question asked in lang.
func (b *Base) Search(ctx context.Context, question string, lang Lang) (Result, error) {
	s := b.acquire()
	defer s.release()
	return s.search(ctx, question, lang)
}
