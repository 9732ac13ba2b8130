package bot

import "loa/knowledge"

// followUpParts maps each follow-up intent to the part of a procedure it
// asks for.
var followUpParts = map[knowledge.Intent]Part{
	knowledge.AskFee:       PartFee,
	knowledge.AskDuration:  PartDuration,
	knowledge.AskDocuments: PartDocuments,
	knowledge.AskWhere:     PartWhere,
	knowledge.AskSteps:     PartSteps,
	knowledge.AskNotes:     PartNotes,
}

// followUp reports which part of the last procedure a short question asks
// for ("bao nhiêu tiền?", "cần giấy tờ gì?", "pes tsawg nyiaj?"); the
// phrases live in content/intents.yaml.
func (c *Core) followUp(text string) (Part, bool) {
	intent, ok := c.kb.Content().Intents.MatchFollowUp(text)
	if !ok {
		return "", false
	}
	return followUpParts[intent], true
}
