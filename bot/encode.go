package bot

import (
	"encoding/json"
	"fmt"

	"loa/knowledge"
	"loa/review"
)

// wireReply is a Reply as it travels between processes (a replica that
// decides, another that sends): content is named by id, not copied.
type wireReply struct {
	Kind       Kind            `json:"kind"`
	Lang       knowledge.Lang  `json:"lang,omitempty"`
	Message    string          `json:"message,omitempty"`
	Data       map[string]any  `json:"data,omitempty"`
	Procedure  string          `json:"procedure,omitempty"`
	Part       Part            `json:"part,omitempty"`
	Text       string          `json:"text,omitempty"`
	Choices    []knowledge.Hit `json:"choices,omitempty"`
	Offer      knowledge.Lang  `json:"offer,omitempty"`
	Categories []string        `json:"categories,omitempty"`
	Category   string          `json:"category,omitempty"`
	Procedures []string        `json:"procedures,omitempty"`
	Review     *wireReview     `json:"review,omitempty"`
}

type wireReview struct {
	Item     review.Item     `json:"item"`
	Title    string          `json:"title"`
	Progress review.Progress `json:"progress"`
}

// EncodeReplies writes replies as JSON that DecodeReplies reads back
// against the same content.
func EncodeReplies(replies []Reply) ([]byte, error) {
	out := make([]wireReply, len(replies))
	for i, r := range replies {
		w := wireReply{Kind: r.Kind, Lang: r.Lang, Message: r.Message, Data: r.Data, Part: r.Part, Text: r.Text, Choices: r.Choices, Offer: r.Offer}
		if r.Procedure != nil {
			w.Procedure = r.Procedure.ID
		}
		for _, c := range r.Categories {
			w.Categories = append(w.Categories, c.ID)
		}
		if r.Category != nil {
			w.Category = r.Category.ID
		}
		for _, p := range r.Procedures {
			w.Procedures = append(w.Procedures, p.ID)
		}
		if r.Review != nil {
			w.Review = &wireReview{Item: r.Review.Item, Title: r.Review.Title, Progress: r.Review.Progress}
		}
		out[i] = w
	}
	return json.Marshal(out)
}

// DecodeReplies reads what EncodeReplies wrote. Content that is gone (an
// editor removed a procedure in between) is an error, not a blank card.
func DecodeReplies(data []byte, c *knowledge.Content) ([]Reply, error) {
	var in []wireReply
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, fmt.Errorf("decode replies: %w", err)
	}
	out := make([]Reply, len(in))
	for i, w := range in {
		r := Reply{Kind: w.Kind, Lang: w.Lang, Message: w.Message, Data: w.Data, Part: w.Part, Text: w.Text, Choices: w.Choices, Offer: w.Offer}
		var err error
		if w.Procedure != "" {
			if r.Procedure, err = procedure(c, w.Procedure); err != nil {
				return nil, err
			}
		}
		for j := range r.Choices {
			if r.Choices[j].Procedure, err = procedure(c, r.Choices[j].ID); err != nil {
				return nil, err
			}
		}
		for _, id := range w.Categories {
			cat, ok := c.Category(id)
			if !ok {
				return nil, fmt.Errorf("decode replies: no category %q", id)
			}
			r.Categories = append(r.Categories, cat)
		}
		if w.Category != "" {
			cat, ok := c.Category(w.Category)
			if !ok {
				return nil, fmt.Errorf("decode replies: no category %q", w.Category)
			}
			r.Category = &cat
		}
		for _, id := range w.Procedures {
			p, err := procedure(c, id)
			if err != nil {
				return nil, err
			}
			r.Procedures = append(r.Procedures, p)
		}
		if w.Review != nil {
			r.Review = &ReviewItem{Item: w.Review.Item, Title: w.Review.Title, Progress: w.Review.Progress}
		}
		out[i] = r
	}
	return out, nil
}

func procedure(c *knowledge.Content, id string) (*knowledge.Procedure, error) {
	if p := c.Procedure(id); p != nil {
		return p, nil
	}
	return nil, fmt.Errorf("decode replies: no procedure %q", id)
}
