package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"loa/bot"
	"loa/knowledge"
)

// audioOf returns the voice note, audio file or video note of m, to be
// fetched only if Loa listens to it.
func (a *Adapter) audioOf(m *models.Message) *bot.Audio {
	var au bot.Audio
	switch {
	case m.Voice != nil:
		au = bot.Audio{Ref: m.Voice.FileID, Name: "voice.ogg", Seconds: m.Voice.Duration, Bytes: m.Voice.FileSize}
	case m.Audio != nil:
		name := m.Audio.FileName
		if name == "" {
			name = "audio.mp3"
		}
		au = bot.Audio{Ref: m.Audio.FileID, Name: name, Seconds: m.Audio.Duration, Bytes: m.Audio.FileSize}
	case m.VideoNote != nil:
		au = bot.Audio{Ref: m.VideoNote.FileID, Name: "video.mp4", Seconds: m.VideoNote.Duration, Bytes: int64(m.VideoNote.FileSize)}
	default:
		return nil
	}
	ref := au.Ref
	au.Open = func(ctx context.Context) (io.ReadCloser, error) { return a.download(ctx, ref) }
	return &au
}

// download fetches a file by its file_id, at most bot.MaxAudioBytes. The
// download URL holds the bot token, so no error may carry it.
func (a *Adapter) download(ctx context.Context, fileID string) (io.ReadCloser, error) {
	var f *models.File
	err := a.send.do(ctx, 0, false, func(ctx context.Context) error {
		var err error
		f, err = a.api.GetFile(ctx, &tgbot.GetFileParams{FileID: fileID})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get the voice note: %w", err)
	}
	if f.FileSize > bot.MaxAudioBytes {
		return nil, fmt.Errorf("the voice note is %d bytes, more than Loa listens to", f.FileSize)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.api.FileDownloadLink(f), nil)
	if err != nil {
		return nil, errors.New("get the voice note: bad download address")
	}
	resp, err := a.files.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL holds the token
		}
		return nil, fmt.Errorf("download the voice note: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("download the voice note: status %d", resp.StatusCode)
	}
	return limited{Reader: io.LimitReader(resp.Body, bot.MaxAudioBytes), Closer: resp.Body}, nil
}

type limited struct {
	io.Reader
	io.Closer
}

// voiceNote is a text to read aloud and send as a voice note.
type voiceNote struct {
	Key       string         `json:"key"`
	Text      string         `json:"text,omitempty"`
	Lang      knowledge.Lang `json:"lang"`
	Recording string         `json:"recording,omitempty"` // a person's recording in the content
	FileID    string         `json:"file_id,omitempty"`   // a voice note Telegram has: a volunteer's answer
}

// sendVoice sends a card read aloud: the file Telegram already has for
// this text when there is one, else the audio made now and uploaded, whose
// file_id is kept for next time.
func (a *Adapter) sendVoice(ctx context.Context, chat int64, p payload) error {
	v := p.Voice
	params := &tgbot.SendVoiceParams{ChatID: chat, Caption: p.HTML, ParseMode: models.ParseModeHTML}
	if len(p.Keyboard) > 0 {
		params.ReplyMarkup = &models.InlineKeyboardMarkup{InlineKeyboard: p.Keyboard}
	}
	if v.FileID != "" {
		params.Voice = &models.InputFileString{Data: v.FileID}
		if _, err := a.api.SendVoice(ctx, params); err != nil {
			return fmt.Errorf("send voice: %w", err)
		}
		return nil
	}
	ref, known, err := a.store.AudioFile(ctx, v.Key)
	if err != nil {
		a.stateError("audio files", err) // read it anew
	}
	if known {
		params.Voice = &models.InputFileString{Data: ref}
		if _, err := a.api.SendVoice(ctx, params); err != nil {
			return fmt.Errorf("send voice: %w", err)
		}
		return nil
	}
	audio, err := a.voiceAudio(ctx, v)
	if err != nil {
		return err
	}
	params.Voice = &models.InputFileUpload{Filename: "loa.ogg", Data: bytes.NewReader(audio)}
	sent, err := a.api.SendVoice(ctx, params)
	if err != nil {
		return fmt.Errorf("send voice: %w", err)
	}
	if sent != nil && sent.Voice != nil {
		if err := a.store.SaveAudioFile(ctx, v.Key, sent.Voice.FileID); err != nil {
			a.stateError("audio files", err)
		}
	}
	return nil
}

// voiceAudio is what a voice note plays: the person's recording, or the
// text read by a voice.
func (a *Adapter) voiceAudio(ctx context.Context, v *voiceNote) ([]byte, error) {
	if v.Recording != "" {
		content := a.knowledge.Content()
		for _, p := range content.Procedures {
			for _, r := range p.Recordings {
				if r.File == v.Recording {
					return content.Audio(r)
				}
			}
		}
		return nil, fmt.Errorf("send voice: the recording %s is no longer in the content", v.Recording)
	}
	if a.speaker == nil {
		return nil, fmt.Errorf("send voice: %w", errNoVoice)
	}
	audio, _, err := a.speaker.Speak(ctx, v.Text, v.Lang)
	if err != nil {
		return nil, fmt.Errorf("read aloud: %w", err)
	}
	return audio, nil
}

// errNoVoice: a voice note was queued but no voice runs now (a restart
// without the speech configuration).
var errNoVoice = errors.New("no voice is configured to read it")
