package bot

import (
	"slices"

	"loa/knowledge"
)

// Kind says what a reply is, so each channel can render it its own way.
type Kind int

// Reply kinds.
const (
	KindText    Kind = iota // an interface message: Message, Data
	KindNotice              // a one-line notice about the text that follows
	KindCard                // a procedure's card: title, summary, where, fee, time
	KindSection             // one part of a procedure
	KindChoices             // procedures to choose from
	KindMenu                // categories, or the procedures of one category
	KindOffer               // an offer to answer in Offer, the language the user seems to write
	// KindEmergency is an emergency message (Message): always first, and
	// consecutive ones belong together in one message.
	KindEmergency
	// KindDraft is a drafted answer (Text) about Procedure, already checked
	// against it by the fact guard; the card follows it.
	KindDraft
	// KindLangPicker offers every language ("lang.pick"), after Message
	// when there is one ("greeting").
	KindLangPicker
	// KindTranscript is what Loa heard in a voice note (Text, redacted),
	// with ButtonRetype; the answer follows as if it had been typed.
	KindTranscript
	// KindSpeech is a card read aloud (Speech), with the kind of voice
	// (Message: "speech.machine").
	KindSpeech
	// KindConsent asks, in one line, to hand the question (Data.Question)
	// to the volunteers: ButtonConsent agrees.
	KindConsent
	// KindDeskCard is a question for the volunteers' group (Desk), with
	// ButtonTake and ButtonNotOurs; replying to it answers the citizen.
	KindDeskCard
	// KindVolunteer is a volunteer's answer (Text, Data.Name) relayed to the
	// citizen, with ButtonReplyToDesk and 👍/👎.
	KindVolunteer
	// KindDeskFollowUp is a citizen's reply to a volunteer, for the group.
	KindDeskFollowUp
	// KindReview is a piece of a translation for a reviewer (Review), with
	// ButtonApprove and ButtonSkip; replying to it with text corrects it.
	KindReview
	// KindReport is a report for editors (Text, preformatted plain text)
	// under a heading (Message, Data).
	KindReport
)

// Part is a piece of a procedure a user can ask for on its own.
type Part string

// Parts: the body sections and the card's fields.
const (
	PartDocuments Part = Part(knowledge.Documents)
	PartSteps     Part = Part(knowledge.Steps)
	PartNotes     Part = Part(knowledge.Notes)
	PartWhere     Part = "where"
	PartFee       Part = "fee"
	PartDuration  Part = "duration"
)

// Reply is one thing to show the user.
type Reply struct {
	Kind      Kind
	Lang      knowledge.Lang // language of the text to show
	Message   string         // interface message id (KindText, KindNotice)
	Data      map[string]any // template data for Message
	Procedure *knowledge.Procedure
	Part      Part            // KindSection
	Text      string          // KindDraft: the checked draft; KindReport: the report
	Choices   []knowledge.Hit // KindChoices

	Offer      knowledge.Lang         // KindOffer
	Categories []knowledge.Category   // KindMenu: the categories to choose from
	Category   *knowledge.Category    // KindMenu: the category whose procedures are listed
	Procedures []*knowledge.Procedure // KindMenu: the procedures of Category
	Review     *ReviewItem            // KindReview
	Speech     *Speech                // KindSpeech
	// Listen offers to read a card or draft aloud (ButtonListen): a voice
	// for its language is at hand.
	Listen bool
	// AskPerson offers to hand the question to a person (ButtonAskPerson).
	AskPerson bool
	Desk      *DeskItem // KindDeskCard, KindVolunteer, KindDeskFollowUp
	// VoiceRef is a volunteer's answer as a voice note (KindVolunteer), by
	// the channel's file id.
	VoiceRef string
}

func message(id string) Reply { return Reply{Kind: KindText, Message: id} }

// Outcome names what the core did with a question, for metrics and the question log: judged by
// the last reply that answers (not a notice or an offer to switch language).
func Outcome(replies []Reply) string {
	var last Reply
	found := false
	for i := len(replies) - 1; i >= 0 && !found; i-- {
		if k := replies[i].Kind; k != KindNotice && k != KindOffer {
			last, found = replies[i], true
		}
	}
	if !found {
		return "other"
	}
	if replies[0].Kind == KindEmergency {
		return "emergency"
	}
	switch {
	case last.Kind == KindCard || last.Kind == KindSection:
		if slices.ContainsFunc(replies, func(r Reply) bool { return r.Kind == KindDraft }) {
			return "drafted"
		}
		return "direct"
	case last.Kind == KindChoices:
		return "choices"
	case last.Kind == KindText && (last.Message == "none" || last.Message == "gap.ask"):
		return "none"
	case last.Kind == KindText && slices.Contains(knowledge.IntentNames(), knowledge.Intent(last.Message)):
		return last.Message // greeting, thanks, whoami, insult
	}
	return "other"
}
