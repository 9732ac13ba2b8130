package knowledge

import (
	"fmt"
	"sort"
	"strings"
)

// Severity says whether a problem stops content from being served.
type Severity int

// Severities. Warnings (stale or missing translations, uncited sources) are
// for editors; errors make content unusable and fail a reload.
const (
	Warning Severity = iota
	Error
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// Problem is one thing wrong in the content, located so an editor can fix it.
type Problem struct {
	File     string // relative to the content root
	Line     int    // 1-based; 0 when the problem is about the whole file
	Severity Severity
	Message  string
}

func (p Problem) String() string {
	loc := p.File
	if p.Line > 0 {
		loc = fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s: %s: %s", loc, p.Severity, p.Message)
}

// Problems is every problem found in one load, in file and line order.
type Problems []Problem

// Count returns how many problems have severity s.
func (ps Problems) Count(s Severity) int {
	n := 0
	for _, p := range ps {
		if p.Severity == s {
			n++
		}
	}
	return n
}

// Err returns the problems as an error when any is an Error, else nil.
func (ps Problems) Err() error {
	if ps.Count(Error) == 0 {
		return nil
	}
	return &ContentError{Problems: ps}
}

func (ps Problems) sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		return ps[i].Line < ps[j].Line
	})
}

// ContentError reports content that failed validation.
type ContentError struct {
	Problems Problems
}

func (e *ContentError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "content has %d error(s)", e.Problems.Count(Error))
	for _, p := range e.Problems {
		if p.Severity == Error {
			b.WriteString("\n")
			b.WriteString(p.String())
		}
	}
	return b.String()
}

// problemList collects problems for one file.
type problemList struct {
	all  *Problems
	file string
}

func (l problemList) errorf(line int, format string, args ...any) {
	*l.all = append(*l.all, Problem{File: l.file, Line: line, Severity: Error, Message: fmt.Sprintf(format, args...)})
}

func (l problemList) warnf(line int, format string, args ...any) {
	*l.all = append(*l.all, Problem{File: l.file, Line: line, Severity: Warning, Message: fmt.Sprintf(format, args...)})
}
