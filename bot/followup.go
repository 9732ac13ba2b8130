package bot

import (
	"strings"

	"loa/knowledge"
)

// followUps maps phrases (folded) that ask for one part of the procedure
// being discussed. Order matters: the first part whose phrase appears wins.
var followUps = []struct {
	part    Part
	phrases []string
}{
	{PartFee, []string{"bao nhieu tien", "mat tien", "ton tien", "het bao nhieu", "le phi", "phi", "tien", "mien phi", "fee"}},
	{PartDuration, []string{"bao lau", "may ngay", "mat may", "khi nao co", "bao gio co", "thoi gian", "thoi han", "han chot"}},
	{PartDocuments, []string{"giay to", "can gi", "can mang", "mang gi", "mang theo", "ho so", "chuan bi gi", "documents"}},
	{PartWhere, []string{"o dau", "cho nao", "noi nao", "di dau", "nop dau", "lam dau", "where"}},
	{PartSteps, []string{"cac buoc", "lam the nao", "lam sao", "lam nhu the nao", "cach lam", "trinh tu", "steps", "buoc"}},
	{PartNotes, []string{"luu y", "ghi chu", "notes"}},
}

// followUp reports which part of the last procedure a short question asks
// for ("bao nhiêu tiền?", "cần giấy tờ gì?").
func followUp(text string) (Part, bool) {
	f := " " + strings.Join(strings.Fields(strings.Map(keepWordRune, knowledge.Fold(text))), " ") + " "
	for _, fu := range followUps {
		for _, p := range fu.phrases {
			if strings.Contains(f, " "+p+" ") {
				return fu.part, true
			}
		}
	}
	return "", false
}

func keepWordRune(r rune) rune {
	switch r {
	case '?', '!', '.', ',', ';', ':', '"', '“', '”', '(', ')':
		return ' '
	}
	return r
}
