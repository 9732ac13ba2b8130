package bot

import (
	"strconv"
	"strings"
	"time"

	"loa/knowledge"
)

// Address says who wrote and where the answer goes, in any channel. Ids
// are the channel's own, as text: a Telegram user id, a terminal's name.
type Address struct {
	Channel string // "telegram", "terminal"
	User    string // the person
	Chat    string // the conversation: a private chat or a group
	Group   bool   // Chat is a group: shorter answers, nothing private
}

// Key names the person across channels; sessions are kept under it.
func (a Address) Key() string { return a.Channel + ":" + a.User }

// EventKind says what happened.
type EventKind int

// Event kinds.
const (
	EventMessage EventKind = iota // the user sent Input
	EventCommand                  // the user sent a command (Command)
	EventButton                   // the user pressed a button (Button)
)

// Commands a channel may pass on as EventCommand.
const (
	CommandStart = "start"
	CommandLang  = "lang"
	CommandMenu  = "menu"
	CommandHelp  = "help"
	CommandHuman = "human" // hand the last question to a person
	CommandDesk  = "desk"  // in a volunteers' group: the items waiting
	// On a shared phone: a fresh session for the next villager, and its end.
	CommandNewPerson = "newperson"
	CommandDone      = "done"
)

// Event is one thing a user did, in any channel.
type Event struct {
	From    Address
	Kind    EventKind
	Input   Input  // EventMessage
	Command string // EventCommand
	Arg     string // EventCommand: what follows the command ("/review hmn")
	Button  string // EventButton: the data the button carried (ButtonCard and the others)
	// Quoted is, for a message sent in reply to one of Loa's, the data of
	// that message's first button: it says which review item a reply
	// corrects.
	Quoted string
	Name   string // the user's display name, where the channel has one (review records)
	At     time.Time
	// Replay is set on an event received before a restart and handled after
	// it: some of its effects may already be stored.
	Replay bool
}

// Response is what the core asks a channel to do about an event: show
// Replies at Event.From, and for a button, Ack as the press's answer.
type Response struct {
	Replies []Reply
	Ack     string         // for a button: a short line shown where it was pressed
	Lang    knowledge.Lang // the user's language, for anything the channel adds
	Outcome string         // what became of a message (Outcome), for metrics; "" for others
	Flooded bool           // over the flood limit: counted, and answered once
	// Also are replies to others that the event causes (a volunteer's
	// answer to the citizen): the channel stores and sends them with
	// Replies, so a crash neither loses nor repeats them.
	Also []Delivery
}

// The data a button carries, built here and read back by the core when
// the button is pressed. Short, since channels limit it (Telegram: 64
// bytes).

// ButtonLang switches to lang.
func ButtonLang(lang knowledge.Lang) string { return "l:" + string(lang) }

// ButtonMenu opens the categories.
func ButtonMenu() string { return "m" }

// ButtonCategory opens a category.
func ButtonCategory(id string) string { return "c:" + id }

// ButtonCard shows a procedure's card in the user's language.
func ButtonCard(id string) string { return "p:" + id }

// ButtonVietnamese shows a procedure's card in Vietnamese.
func ButtonVietnamese(id string) string { return "v:" + id }

// ButtonSection shows one part of a procedure.
func ButtonSection(id string, part Part) string { return "s:" + id + ":" + string(part) }

// ButtonVote records 👍 (helpful) or 👎 on a card.
func ButtonVote(id string, helpful bool) string {
	if helpful {
		return "f:" + id + ":1"
	}
	return "f:" + id + ":0"
}

// ButtonDeskVote records 👍 or 👎 on a volunteer's answer to desk item id.
func ButtonDeskVote(id int64, helpful bool) string {
	vote := ":0"
	if helpful {
		vote = ":1"
	}
	return "fd:" + strconv.FormatInt(id, 10) + vote
}

// splitButton splits button data into its kind and the rest.
func splitButton(data string) (kind, rest string) {
	kind, rest, _ = strings.Cut(data, ":")
	return kind, rest
}
