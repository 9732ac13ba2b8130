package knowledge

import (
	"context"
	"fmt"
	"io/fs"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"loa/content"
)

// BenchmarkSearch measures one question on the shipped content; the target
// is well under 1 ms.
func BenchmarkSearch(b *testing.B) {
	kb := openShipped(b)
	cases := loadEval(b, "testdata/eval-vi.jsonl")
	ctx := context.Background()
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := kb.Search(ctx, cases[i%len(cases)].Question, Vietnamese); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds()), "p95-µs")
}

// BenchmarkOpenShipped measures loading, validating and indexing the
// embedded content, as at start-up; the target is under 500 ms.
func BenchmarkOpenShipped(b *testing.B) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		kb, _, err := Open(ctx, content.FS())
		if err != nil {
			b.Fatal(err)
		}
		kb.Close()
	}
}

// BenchmarkScale builds synthetic knowledge bases of 1,000 and 10,000
// procedures (the shipped ones, repeated under new ids with their words
// given distinct titles) and measures index build time, query time and
// heap growth.
func BenchmarkScale(b *testing.B) {
	shipped, problems := Load(content.FS())
	if err := problems.Err(); err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1000, 10000} {
		fsys := syntheticContent(b, shipped, n)
		b.Run(fmt.Sprintf("build/%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				kb, _, err := Open(context.Background(), fsys)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB-heap")
				kb.Close()
			}
		})
		b.Run(fmt.Sprintf("query/%d", n), func(b *testing.B) {
			kb, _, err := Open(context.Background(), fsys)
			if err != nil {
				b.Fatal(err)
			}
			defer kb.Close()
			qs := []string{"lam giay khai sinh cho con", "đăng ký tạm trú ở đâu", "cap lai the can cuoc mat bao lau", "xin chào"}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := kb.Search(context.Background(), qs[i%len(qs)], Vietnamese); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// syntheticContent writes n procedures derived from the shipped ones.
func syntheticContent(b *testing.B, c *Content, n int) fstest.MapFS {
	b.Helper()
	src := content.FS()
	fsys := fstest.MapFS{}
	for _, name := range []string{"categories.yaml", "glossary.yaml", "synonyms.yaml", "intents.yaml"} {
		data, err := fs.ReadFile(src, name)
		if err != nil {
			b.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	for i := 0; i < n; i++ {
		p := c.Procedures[i%len(c.Procedures)]
		data, err := fs.ReadFile(src, "procedures/"+p.ID+"/vi.md")
		if err != nil {
			b.Fatal(err)
		}
		// A distinct title per copy, since titles must be unique.
		text := strings.Replace(string(data), "title: ", fmt.Sprintf("title: Thủ tục %d ", i), 1)
		fsys[fmt.Sprintf("procedures/p%05d/vi.md", i)] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}
