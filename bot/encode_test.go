package bot

import (
	"reflect"
	"strings"
	"testing"
)

// What the core answers survives a trip through JSON: every kind of reply
// a conversation makes comes back the same, rendered the same.
func TestRepliesEncode(t *testing.T) {
	c, _, r := newCore(t)
	content := c.kb.Content()
	s := &Session{}
	var all []Reply
	for _, msg := range []string{"nha toi bi chay", "lam giay khai sinh cho con", "bao nhiêu tiền?", "bao hiem", "thoi tiet sa pa"} {
		replies, err := c.Turn(t.Context(), s, Input{Text: msg})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, replies...)
	}
	all = append(all, c.Menu(s)...)
	all = append(all, c.Category(s, "residence")...)
	data, err := EncodeReplies(all)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "Giấy tờ cần mang") {
		t.Error("content copied into the encoding instead of named")
	}
	back, err := DecodeReplies(data, content)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(all) {
		t.Fatalf("%d replies back, want %d", len(back), len(all))
	}
	for i := range all {
		if got, want := r.Render(back[i]), r.Render(all[i]); got != want || back[i].Kind != all[i].Kind || !reflect.DeepEqual(back[i].Part, all[i].Part) {
			t.Errorf("reply %d changed:\n%s\nwant\n%s", i, got, want)
		}
	}
	if _, err := DecodeReplies([]byte(`[{"kind":2,"procedure":"gone"}]`), content); err == nil {
		t.Error("a removed procedure decoded")
	}
	if _, err := DecodeReplies([]byte(`{`), content); err == nil {
		t.Error("broken JSON decoded")
	}
}
