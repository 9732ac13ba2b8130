package knowledge

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"loa/content"
)

// openShipped opens the built-in content, failing the test on any error.
func openShipped(tb testing.TB) *Base {
	tb.Helper()
	kb, problems, err := Open(context.Background(), content.FS())
	if err != nil {
		tb.Fatalf("built-in content: %v\n%v", err, problems)
	}
	tb.Cleanup(func() { kb.Close() })
	return kb
}

func loadEval(tb testing.TB, path string) []EvalCase {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	cases, err := ParseEval(f)
	if err != nil {
		tb.Fatal(err)
	}
	return cases
}

// The targets of the knowledge-engine issue, on the dev set and on the
// held-out set (questions written without sight of the content or engine).
func TestEvalTargets(t *testing.T) {
	kb := openShipped(t)
	for _, file := range []string{"testdata/eval-vi.jsonl", "testdata/heldout-vi.jsonl"} {
		t.Run(file, func(t *testing.T) {
			r, err := Evaluate(context.Background(), kb, loadEval(t, file))
			if err != nil {
				t.Fatal(err)
			}
			t.Log(r.Summary())
			check := func(name string, got, want float64, atLeast bool) {
				if atLeast && got < want || !atLeast && got > want {
					t.Errorf("%s = %.3f, target %s %.2f", name, got, map[bool]string{true: ">=", false: "<="}[atLeast], want)
				}
			}
			check("recall@1", r.RecallAt1, 0.90, true)
			check("recall@3", r.RecallAt3, 0.97, true)
			check("confident_wrong", r.ConfidentWrong, 0.03, false)
			check("oos_not_confident", r.OOSNotConfident, 0.90, true)
			// Out-of-scope questions are told "Loa does not cover this" rather
			// than offered unrelated choices, at little cost in scope.
			check("oos_rejected", r.OOSRejected, 0.70, true)
			check("in_scope_none", r.InScopeNone, 0.05, false)
		})
	}
}

func TestDevSetShape(t *testing.T) {
	cases := loadEval(t, "testdata/eval-vi.jsonl")
	kb := openShipped(t)
	perID := map[string]int{}
	plain, oos := 0, 0
	for _, c := range cases {
		if !HasDiacritics(c.Question) {
			plain++
		}
		if !c.InScope() {
			oos++
		}
		for _, id := range c.Expected {
			if kb.Content().Procedure(id) == nil {
				t.Errorf("line %d: unknown id %q", c.Line, id)
			}
			perID[id]++
		}
	}
	if len(cases) < 180 || oos < 25 || float64(plain)/float64(len(cases)) < 0.4 {
		t.Errorf("dev set: %d questions, %d out of scope, %d without diacritics; want >= 180, >= 25, >= 40%%", len(cases), oos, plain)
	}
	for _, p := range kb.Content().Procedures {
		if perID[p.ID] < 3 {
			t.Errorf("procedure %s has %d dev questions, want several", p.ID, perID[p.ID])
		}
	}
}

func TestSearch(t *testing.T) {
	kb := openShipped(t)
	tests := []struct {
		question  string
		want      string // expected best id; "" for out of scope
		confident bool
	}{
		{"làm giấy khai sinh cho con", "birth-registration", true},
		{"lam giay khai sinh cho con", "birth-registration", true},
		{"LÀM GIẤY KHAI SINH CHO CON", "birth-registration", true},
		{"lam giay khia sinh cho con", "birth-registration", true}, // typo: swapped letters
		{"ddang ky tam tru", "temporary-residence", false},         // Telex residue still finds it
		{"nhập hộ khẩu cho vợ", "permanent-residence", true},
		{"làm sổ đỏ", "land-certificate", true},
		{"cccd", "id-card", true},
		{"H’Mông đăng ký kết hôn", "marriage-registration", false},
		{"giá lúa hôm nay", "", false},
		{"thời tiết Sa Pa", "", false},
		{"xin chào", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			r, err := kb.Search(context.Background(), tt.question, Vietnamese)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if r.Confident {
					t.Errorf("out of scope but confident: %+v", r.Top())
				}
				return
			}
			if top := r.Top(); top == nil || top.ID != tt.want {
				t.Fatalf("best = %+v, want %s", top, tt.want)
			}
			if tt.confident && !r.Confident {
				t.Errorf("not confident (coverage %.2f, hits %v)", r.Coverage, r.Hits)
			}
		})
	}
}

func TestSearchOddInput(t *testing.T) {
	kb := openShipped(t)
	for _, q := range []string{"", "   ", "???", "\x00\xff\xfe", strings.Repeat("khai sinh ", 5000), "😀😀", "ការចុះឈ្មោះ"} {
		r, err := kb.Search(context.Background(), q, Vietnamese)
		if err != nil {
			t.Errorf("%.20q: %v", q, err)
		}
		if r.Confident && !strings.Contains(q, "khai sinh") {
			t.Errorf("%.20q: confident answer %v", q, r.Top())
		}
	}
}

func TestSearchMergesLanguages(t *testing.T) {
	vi := goodVI
	kb, _, err := Open(context.Background(), contentFS(map[string]string{
		"birth-registration/vi.md":  vi,
		"birth-registration/hmn.md": strings.Replace(translationOf(vi), "title: Sau khai sinh", "title: Sau npe menyuam", 1),
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	r, err := kb.Search(context.Background(), "khai sinh", Hmong)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Hits) != 1 {
		t.Fatalf("want one hit per procedure, got %+v", r.Hits)
	}
	if r.Hits[0].Title != "Sau npe menyuam" {
		t.Errorf("title = %q, want the H'Mông title", r.Hits[0].Title)
	}
}

func TestReloadKeepsOldOnError(t *testing.T) {
	ctx := context.Background()
	kb, _, err := Open(ctx, contentFS(map[string]string{"birth-registration/vi.md": goodVI}))
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	bad := contentFS(map[string]string{"birth-registration/vi.md": "no front matter"})
	problems, err := kb.Reload(ctx, bad)
	if err == nil || problems.Count(Error) == 0 {
		t.Fatalf("bad reload accepted: %v", err)
	}
	if r, _ := kb.Search(ctx, "khai sinh", Vietnamese); r.Top() == nil {
		t.Fatal("old content stopped serving after a failed reload")
	}
	renamed := strings.Replace(goodVI, "title: Đăng ký khai sinh", "title: Khai sinh mới", 1)
	if _, err := kb.Reload(ctx, contentFS(map[string]string{"birth-registration/vi.md": renamed})); err != nil {
		t.Fatal(err)
	}
	if r, _ := kb.Search(ctx, "khai sinh", Vietnamese); r.Top() == nil || r.Top().Title != "Khai sinh mới" {
		t.Fatalf("reload not served: %+v", r.Top())
	}
}

// Searches keep working, never seeing a closed index, while content is
// reloaded underneath them. Run with -race.
func TestReloadWhileSearching(t *testing.T) {
	ctx := context.Background()
	fsys := contentFS(map[string]string{"birth-registration/vi.md": goodVI})
	kb, _, err := Open(ctx, fsys)
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				if _, err := kb.Search(ctx, "lam giay khai sinh", Vietnamese); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := 0; i < 5; i++ {
		if _, err := kb.Reload(ctx, fsys); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestParseEval(t *testing.T) {
	cases, err := ParseEval(strings.NewReader("{\"question\":\"a\",\"expected\":[\"x\"]}\n\n{\"question\":\"b\",\"lang\":\"tay\",\"expected\":[]}\n"))
	if err != nil || len(cases) != 2 || cases[1].Line != 3 || cases[1].InScope() {
		t.Fatalf("cases %+v, err %v", cases, err)
	}
	_, err = ParseEval(strings.NewReader("{\"question\":\"a\"}\nnot json\n{\"question\":\"\"}\n{\"question\":\"c\",\"lang\":\"xx\"}\n{\"q\":1}\n"))
	for _, want := range []string{"line 2:", "line 3:", "line 4:", "line 5:"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}

func FuzzParseEval(f *testing.F) {
	f.Add("{\"question\":\"lam giay khai sinh\",\"lang\":\"vi\",\"expected\":[\"birth-registration\"]}\n")
	f.Add("{\"question\":\"x\"}\n{")
	f.Fuzz(func(t *testing.T, s string) {
		cases, _ := ParseEval(strings.NewReader(s))
		for _, c := range cases {
			if strings.TrimSpace(c.Question) == "" || c.Line < 1 {
				t.Fatalf("bad case accepted: %+v", c)
			}
		}
	})
}

func FuzzSearch(f *testing.F) {
	kb := openShipped(f)
	f.Add("lam giay khai sinh")
	f.Add("Đăng ký tạm trú ở đâu?")
	f.Add("ko j dc bn ntn")
	f.Fuzz(func(t *testing.T, q string) {
		r, err := kb.Search(context.Background(), q, Vietnamese)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Hits) > maxHits || r.Coverage < 0 || r.Coverage > 1 {
			t.Fatalf("bad result %+v", r)
		}
	})
}

// fold helpers are table-tested here; the index depends on them.
func TestFold(t *testing.T) {
	tests := map[string]string{
		"Đăng Ký":                "dang ky",
		"đường":                  "duong",
		"H’Mông":                 "h'mong",
		"Ntơưr Hmôngz":           "ntour hmongz", // Vietnamese H'Mông script keeps its tone letters
		"Ua tsaug":               "ua tsaug",
		"Maiv zuqc cuotv nyaanh": "maiv zuqc cuotv nyaanh", // Dao Unified Script tone letters v, c, h stay
		"Slư khai sinh pjom":     "slu khai sinh pjom",     // Tày onsets sl, pj
		"e\u0301":                "e",                      // decomposed input folds like precomposed
	}
	for in, want := range tests {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWithinOneEdit(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"khai", "khai", true}, {"khia", "khai", true}, {"kai", "khai", true}, {"khaii", "khai", true},
		{"khoi", "khai", true}, {"hkia", "khai", false}, {"sinh", "khai", false}, {"ab", "abcd", false},
	}
	for _, tt := range tests {
		if got := withinOneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("withinOneEdit(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

func TestSearchAfterClose(t *testing.T) {
	kb, _, err := Open(context.Background(), contentFS(map[string]string{"birth-registration/vi.md": goodVI}))
	if err != nil {
		t.Fatal(err)
	}
	kb.Close()
	if _, err := kb.Search(context.Background(), "khai sinh", Vietnamese); err != ErrClosed {
		t.Errorf("search after close: %v, want ErrClosed", err)
	}
}

// The minority-language sets were each written without sight of the
// translations: H'Mông in RPA and the Vietnamese H'Mông script, Tày with and
// without tone marks, Dao mostly in the Unified Script, Giáy in a
// Vietnamese-based spelling. The translations are machine drafts, so the bar
// is lower than for Vietnamese until native speakers have reviewed them, and
// lowest where the least is known of the language.
func TestEvalMinorityLanguages(t *testing.T) {
	kb := openShipped(t)
	tests := []struct {
		lang                      Lang
		minN                      int
		minRecall1, minRecall3    float64
		maxConfidentWrong, minOOS float64
	}{
		{Hmong, 30, 0.80, 0.90, 0.05, 0.80},
		{Tay, 30, 0.85, 0.90, 0.05, 0.75},
		{Dao, 20, 0.80, 0.90, 0.05, 0.75},
		{Giay, 20, 0.80, 0.90, 0.05, 0.75},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang), func(t *testing.T) {
			r, err := Evaluate(context.Background(), kb, loadEval(t, "testdata/eval-"+string(tt.lang)+".jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			t.Log(r.Summary())
			if r.N < tt.minN || r.RecallAt1 < tt.minRecall1 || r.RecallAt3 < tt.minRecall3 ||
				r.ConfidentWrong > tt.maxConfidentWrong || r.OOSNotConfident < tt.minOOS {
				t.Errorf("%s; want n >= %d, recall@1 >= %.2f, recall@3 >= %.2f, confident_wrong <= %.2f, oos_not_confident >= %.2f",
					r.Summary(), tt.minN, tt.minRecall1, tt.minRecall3, tt.maxConfidentWrong, tt.minOOS)
			}
		})
	}
}

// A user who chose a minority language but types Vietnamese is understood as
// well as a Vietnamese user: the held-out questions, asked in each language.
func TestEvalCrossLanguage(t *testing.T) {
	kb := openShipped(t)
	for _, lang := range []Lang{Hmong, Dao, Tay, Giay} {
		t.Run(string(lang), func(t *testing.T) {
			cases := loadEval(t, "testdata/heldout-vi.jsonl")
			for i := range cases {
				cases[i].Lang = string(lang)
			}
			r, err := Evaluate(context.Background(), kb, cases)
			if err != nil {
				t.Fatal(err)
			}
			t.Log(r.Summary())
			if r.RecallAt1 < 0.90 || r.RecallAt3 < 0.97 || r.ConfidentWrong > 0.03 || r.OOSNotConfident < 0.90 {
				t.Errorf("Vietnamese questions from %s users: %s", lang, r.Summary())
			}
		})
	}
}
