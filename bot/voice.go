package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"unicode"

	"loa/knowledge"
	"loa/privacy"
)

// ButtonRetype asks to type instead of the transcript shown.
func ButtonRetype() string { return "t" }

// listen answers a voice note: heard and answered as if typed, kept for
// people in a language no recogniser covers, or refused kindly when too
// long or when the speech server fails.
func (cs *Conversations) listen(ctx context.Context, s *Session, ev Event) (Response, error) {
	in := ev.Input
	if cs.listener == nil || in.Audio == nil {
		replies, err := cs.core.Turn(ctx, s, in) // "Loa cannot listen yet", with the menu
		return Response{Replies: replies, Outcome: "voice_unsupported"}, err
	}
	a, lang := in.Audio, sessionLang(*s)
	if a.Seconds > MaxAudioSeconds || a.Bytes > MaxAudioBytes {
		return Response{Replies: []Reply{message("voice.too_long")}, Outcome: "voice_too_long"}, nil
	}
	if !cs.listener.Listens(lang) {
		cannot := Reply{Kind: KindNotice, Message: "voice.cannot_listen", Data: map[string]any{"Lang": lang.Name()}}
		note := VoiceNote{Ref: a.Ref, From: ev.From, Lang: lang, Seconds: a.Seconds, At: cs.now()}
		if err := cs.store.KeepVoiceNote(ctx, note); err != nil {
			cs.stateError("voice note", err)
			return Response{Replies: []Reply{cannot, message("voice.type")}, Outcome: "voice_not_kept"}, nil
		}
		s.VoiceRef = a.Ref
		return Response{Replies: []Reply{cannot, message("voice.kept")}, Outcome: "voice_kept"}, nil
	}
	text, err := cs.transcribe(ctx, a, lang)
	switch {
	case err != nil:
		cs.log.Warn("voice note not transcribed", "err", err) // never the audio, never a transcript
		return Response{Replies: []Reply{message("voice.failed")}, Outcome: "voice_failed"}, nil
	case !saysSomething(text):
		return Response{Replies: []Reply{message("voice.empty")}, Outcome: "voice_empty"}, nil
	}
	heard := Reply{Kind: KindTranscript, Text: privacy.Redact(text)} // never echoes an ID number
	typed := Input{Kind: InputText, Text: text, Preview: in.Preview}
	replies, err := cs.core.Turn(ctx, s, typed)
	if err != nil {
		return Response{}, err
	}
	s.Asked = redactedQuestion(text)
	if err := cs.logQuestion(ctx, *s, typed, replies); err != nil {
		cs.stateError("question log", err)
	}
	return Response{Replies: append([]Reply{heard}, replies...), Outcome: Outcome(replies)}, nil
}

func (cs *Conversations) transcribe(ctx context.Context, a *Audio, lang knowledge.Lang) (string, error) {
	if a.Open == nil {
		return "", errors.New("the channel gave no way to fetch the voice note")
	}
	body, err := a.Open(ctx)
	if err != nil {
		return "", err
	}
	defer body.Close() // the audio is read once and never kept
	return cs.listener.Transcribe(ctx, body, a.Name, lang)
}

// saysSomething reports whether a transcript holds words: recognisers
// return "", "...", or a bracketed "[music]" for silence.
func saysSomething(text string) bool {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "[") && strings.HasSuffix(text, "]") || strings.HasPrefix(text, "(") && strings.HasSuffix(text, ")") {
		return false
	}
	letters := 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2
}

// ButtonListen reads a procedure's card aloud.
func ButtonListen(id string) string { return "a:" + id }

// Speech is a text to read aloud (KindSpeech): the channel reads it with
// its Speaker, uploading it once under Key.
type Speech struct {
	Key  string // procedure/lang/digest of Text: a changed text is read anew
	Text string
	// Recording, when set, is a person's recording to send instead of a
	// machine voice.
	Recording *knowledge.Recording
}

// offerListening marks the cards and drafts that a person's recording or
// a voice can read.
func (cs *Conversations) offerListening(replies []Reply, lang knowledge.Lang) {
	for i, r := range replies {
		if (r.Kind == KindCard || r.Kind == KindDraft) && r.Procedure != nil {
			_, _, ok := cs.aloud(r.Procedure, lang)
			replies[i].Listen = ok
		}
	}
}

// aloud says how p can be read to a user of lang: a recording in lang,
// else a voice for the language its card is shown in.
func (cs *Conversations) aloud(p *knowledge.Procedure, lang knowledge.Lang) (rec *knowledge.Recording, shown knowledge.Lang, ok bool) {
	if r, ok := p.Recording(lang, ""); ok {
		return &r, lang, true
	}
	shown = shownLang(p, lang)
	if r, ok := p.Recording(shown, ""); ok {
		return &r, shown, true
	}
	return nil, shown, cs.speaker != nil && cs.speaker.Speaks(shown)
}

// readAloud answers the Listen button: the card's plain text, in the
// language it is shown in, with what kind of voice reads it.
func (cs *Conversations) readAloud(s *Session, id string) []Reply {
	p := cs.core.kb.Content().Procedure(id)
	if p == nil {
		return nil
	}
	rec, lang, ok := cs.aloud(p, sessionLang(*s))
	if !ok {
		return nil
	}
	if rec != nil {
		return []Reply{{Kind: KindSpeech, Lang: lang, Procedure: p, Message: "speech.recorded", Speech: &Speech{Key: "rec/" + rec.File + "/" + rec.Digest, Recording: rec}}}
	}
	x := p.Best(lang)
	text := strings.Join(slices.DeleteFunc([]string{x.Title, x.Summary, x.Where, x.Fee, x.Duration, x.Deadline}, func(s string) bool { return strings.TrimSpace(s) == "" }), ". ")
	text = knowledge.Clean(text)
	sum := sha256.Sum256([]byte(text))
	return []Reply{{Kind: KindSpeech, Lang: lang, Procedure: p, Message: "speech.machine", Speech: &Speech{Key: p.ID + "/" + string(lang) + "/" + hex.EncodeToString(sum[:6]), Text: text}}}
}
