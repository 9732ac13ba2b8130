package bot

import (
	"context"
	"fmt"

	"loa/knowledge"
)

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
// and only when the question names no other topic: what is left without
// the follow-up words must be words the last card uses, and must not find
// another procedure ("làm căn cước ở đâu" after the birth card is a new
// question, "nộp ở đâu?" is not).
func (c *Core) followUp(ctx context.Context, s *Session, text string, res knowledge.Result) (Part, bool, error) {
	if !c.hasContext(s) {
		return "", false, nil
	}
	intents := c.kb.Content().Intents
	intent, ok := intents.MatchFollowUp(text)
	if !ok {
		return "", false, nil
	}
	part := followUpParts[intent]
	if top := res.Top(); top != nil && top.ID == s.Last {
		return part, true, nil
	}
	rest := intents.Strip(text, append(knowledge.FollowUpNames(), knowledge.Greeting, knowledge.Thanks)...)
	topic := knowledge.TopicWords(rest)
	if len(topic) == 0 {
		return part, true, nil
	}
	// More than a word or two, or words the last card does not use, name
	// another topic.
	if last := c.kb.Content().Procedure(s.Last); len(topic) > maxFollowUpTopic || last == nil || !last.Mentions(topic) {
		return "", false, nil
	}
	// Words it uses may still be another procedure's ("làm sổ đỏ ở đâu"
	// after a card that mentions "sổ" and "đỏ" apart).
	other, err := c.kb.Search(ctx, rest, s.Lang)
	if err != nil {
		return "", false, fmt.Errorf("answer follow-up: %w", err)
	}
	if other.Confident && other.Hits[0].ID != s.Last {
		return "", false, nil
	}
	return part, true, nil
}

// maxFollowUpTopic is how many topic words a follow-up may carry besides
// its follow-up phrase ("thế nộp ở đâu?"); a longer question is a question
// of its own, answered by the search.
const maxFollowUpTopic = 2
