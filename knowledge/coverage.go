package knowledge

// Coverage is the translation status of every procedure in every language.
type Coverage struct {
	Rows   []CoverageRow
	Totals map[Lang]map[Status]int
}

// CoverageRow is one procedure's statuses.
type CoverageRow struct {
	ID     string
	Digest string // what translations of the current vi.md record as source_digest
	Status map[Lang]Status
}

// Statuses lists the statuses in report order.
func Statuses() []Status { return []Status{Source, Reviewed, Draft, Machine, Stale, Missing} }

// CoverageOf reports the status of each procedure in each language.
func CoverageOf(c *Content) Coverage {
	cov := Coverage{Totals: map[Lang]map[Status]int{}}
	for _, l := range Langs() {
		cov.Totals[l] = map[Status]int{}
	}
	for _, p := range c.Procedures {
		row := CoverageRow{ID: p.ID, Digest: p.Digest, Status: map[Lang]Status{}}
		for _, l := range Langs() {
			s := p.StatusOf(l)
			row.Status[l] = s
			cov.Totals[l][s]++
		}
		cov.Rows = append(cov.Rows, row)
	}
	return cov
}

// ExportRecord is one (procedure, language) text as the index sees it.
type ExportRecord struct {
	ID       string   `json:"id"`
	Lang     Lang     `json:"lang"`
	Title    string   `json:"title"`
	Keywords []string `json:"keywords"`
	Summary  string   `json:"summary"`
	Text     string   `json:"text"`
	Status   Status   `json:"status"`
}

// Export returns the corpus: every text of every procedure.
func Export(c *Content) []ExportRecord {
	var out []ExportRecord
	for _, p := range c.Procedures {
		for _, l := range Langs() {
			t := p.Texts[l]
			if t == nil {
				continue
			}
			out = append(out, ExportRecord{
				ID: p.ID, Lang: l, Title: t.Title, Keywords: t.Keywords,
				Summary: Clean(t.Summary), Text: bodyText(t), Status: p.StatusOf(l),
			})
		}
	}
	return out
}
