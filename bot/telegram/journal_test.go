package telegram

import (
	"bytes"
	"mime/multipart"
	"strconv"
	"testing"
)

func TestLastUpdateID(t *testing.T) {
	for in, want := range map[string]int64{
		`{"ok":true,"result":[]}`: 0,
		`{"ok":true,"result":[{"update_id":7,"message":{"text":"\"update_id\":99"}},{"update_id": 12}]}`: 12, // a quote inside a text is escaped, so never taken for the key
		`{"ok":true,"result":[{"update_id":3},{"update_id":12}]}`:                                        12,
	} {
		if got := lastUpdateID([]byte(in)); got != want {
			t.Errorf("lastUpdateID(%s) = %d, want %d", in, got, want)
		}
	}
}

func TestFormOffset(t *testing.T) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("timeout", "59")
	w.WriteField("offset", "1234")
	w.Close()
	if got, ok := formOffset(buf.Bytes(), w.FormDataContentType()); !ok || got != 1234 {
		t.Errorf("formOffset = %d, %v", got, ok)
	}
	if _, ok := formOffset([]byte("junk"), "text/plain"); ok {
		t.Error("offset found in junk")
	}
}

// The getUpdates answer comes from outside the process.
func FuzzLastUpdateID(f *testing.F) {
	f.Add([]byte(`{"ok":true,"result":[{"update_id":3},{"update_id":12}]}`))
	f.Add([]byte(`"update_id":`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got := lastUpdateID(data)
		if got < 0 {
			t.Fatalf("negative id %d", got)
		}
		if got > 0 && !bytes.Contains(data, []byte(strconv.FormatInt(got, 10))) {
			t.Fatalf("id %d is not in the answer", got)
		}
	})
}
