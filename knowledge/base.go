package knowledge

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"sync/atomic"
	"time"
)

// Base is the live knowledge base: content and its search index, swapped
// together atomically on reload. It is safe for concurrent use.
type Base struct {
	cur        atomic.Pointer[snapshot]
	closed     atomic.Bool
	confidence Confidence
	now        func() time.Time // what day it is: dated content is searched as in force then
	reloadMu   sync.Mutex       // one reload at a time
}

// snapshot is one loaded content folder and its index.
type snapshot struct {
	content    *Content
	problems   Problems
	index      *searchIndex
	vocab      *vocabulary
	profiles   map[string]profile // by procedure id
	synonyms   [][][]string       // folded synonym groups, each phrase split into words
	confidence Confidence

	mu     sync.RWMutex // searches hold it shared; retiring holds it alone
	closed bool
}

// Option configures a Base.
type Option func(*Base)

// WithConfidence sets the thresholds of the confident decision.
func WithConfidence(c Confidence) Option { return func(b *Base) { b.confidence = c } }

// WithClock sets the clock searches judge dated content by (valid_from,
// valid_until); the default is time.Now.
func WithClock(now func() time.Time) Option { return func(b *Base) { b.now = now } }

// Open loads, validates and indexes a content folder. Content with errors is
// refused; the returned Problems then say why. Warnings never stop it.
func Open(ctx context.Context, fsys fs.FS, opts ...Option) (*Base, Problems, error) {
	b := &Base{confidence: DefaultConfidence(), now: time.Now}
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
	// The index and the word profiles are independent: build them side by
	// side (start-up time is a target).
	type built struct {
		idx *searchIndex
		err error
	}
	indexed := make(chan built, 1)
	go func() {
		idx, err := buildIndex(ctx, c)
		indexed <- built{idx, err}
	}()
	s := &snapshot{content: c, problems: problems, vocab: newVocabulary(), profiles: map[string]profile{}, confidence: b.confidence}
	for _, p := range c.Procedures {
		s.profiles[p.ID] = newProfile(p, s.vocab)
	}
	r := <-indexed
	if r.err != nil {
		return nil, problems, r.err
	}
	s.index = r.idx
	for _, g := range c.Synonyms {
		var group [][]string
		for _, phrase := range g {
			s.vocab.addText(Vietnamese, phrase) // synonyms are Vietnamese
			group = append(group, tokenize(Fold(phrase)))
		}
		s.synonyms = append(s.synonyms, group)
	}
	return s, problems, nil
}

// profile is what the engine knows of one procedure's words, language by
// language: a question is judged against the languages it can be in, so
// that Tày "cón" (before) does not count as Vietnamese "con" (child).
type profile map[Lang]*wordSet

// wordSet is one text's words.
type wordSet struct {
	words map[string]bool // folded words
	exact map[string]bool // the same words with their accents
	head  map[string]bool // folded words of the title and keywords
	pairs map[string]bool // folded pairs of neighbouring words
}

func newProfile(p *Procedure, v *vocabulary) profile {
	pr := profile{}
	for lang, t := range p.Texts {
		ws := &wordSet{words: map[string]bool{}, exact: map[string]bool{}, head: map[string]bool{}, pairs: map[string]bool{}}
		pr[lang] = ws
		head := append([]string{t.Title}, t.Keywords...)
		for i, text := range append(head, t.Summary, bodyText(t)) {
			var prev string
			seen := map[string]bool{}
			for _, e := range tokenize(Normalize(text)) {
				f := Fold(e)
				ws.exact[e], ws.words[f] = true, true
				if !seen[f] { // the vocabulary counts texts, not occurrences
					seen[f] = true
					v.count(lang, f)
				}
				if i < len(head) {
					ws.head[f] = true
				}
				if prev != "" {
					ws.pairs[prev+" "+f] = true
				}
				prev = f
			}
		}
	}
	return pr
}

// in returns the procedure's words in langs.
func (pr profile) in(langs []Lang) wordView {
	v := make(wordView, 0, len(langs))
	for _, l := range langs {
		if ws := pr[l]; ws != nil {
			v = append(v, ws)
		}
	}
	return v
}

// wordView is a procedure's words in several languages at once.
type wordView []*wordSet

func (v wordView) has(pick func(*wordSet) map[string]bool, w string) bool {
	for _, ws := range v {
		if pick(ws)[w] {
			return true
		}
	}
	return false
}

func allWords(ws *wordSet) map[string]bool   { return ws.words }
func exactWords(ws *wordSet) map[string]bool { return ws.exact }
func headWords(ws *wordSet) map[string]bool  { return ws.head }
func wordPairs(ws *wordSet) map[string]bool  { return ws.pairs }

// ErrClosed is returned by a search on a closed Base.
var ErrClosed = errors.New("the knowledge base is closed")

// acquire returns the current snapshot, held for reading until release,
// or nil once the Base is closed.
func (b *Base) acquire() *snapshot {
	for {
		if b.closed.Load() {
			return nil
		}
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
	b.closed.Store(true)
	if s := b.cur.Load(); s != nil {
		s.retire()
	}
	return nil
}

// Content returns the content being served.
func (b *Base) Content() *Content { return b.cur.Load().content }

// Problems returns the warnings of the content being served.
func (b *Base) Problems() Problems { return b.cur.Load().problems }

// Search finds the procedures in force that answer a question asked in
// lang; each hit's Procedure is as it stands today (Procedure.At).
func (b *Base) Search(ctx context.Context, question string, lang Lang) (Result, error) {
	s := b.acquire()
	if s == nil {
		return Result{}, ErrClosed
	}
	defer s.release()
	return s.search(ctx, question, lang, b.now())
}
