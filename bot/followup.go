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

// followUp reports which part of the last card a question asks for ("bao
// nhiêu tiền?", "cần giấy tờ gì?", "pes tsawg nyiaj?"; the phrases live in
// content/intents.yaml). It is a follow-up only while the card is recent,
// and only when the question names no other topic (every word it has
// beyond the follow-up is one the last procedure uses): "làm căn cước ở
// đâu" after the birth card is a new question, "nộp ở đâu?" is not.
func (c *Core) followUp(s *Session, text string, res knowledge.Result) (Part, bool) {
	if !c.hasContext(s) {
		return "", false
	}
	intents := c.kb.Content().Intents
	intent, ok := intents.MatchFollowUp(text)
	if !ok {
		return "", false
	}
	if top := res.Top(); top == nil || top.ID != s.Last {
		rest := intents.Strip(text, append(knowledge.FollowUpNames(), knowledge.Greeting, knowledge.Thanks)...)
		last := c.kb.Content().Procedure(s.Last)
		if last == nil || !last.Mentions(knowledge.TopicWords(rest)) {
			return "", false
		}
	}
	return followUpParts[intent], true
}
