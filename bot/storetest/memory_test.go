package storetest

import (
	"testing"

	"loa/bot"
)

func TestMemoryStore(t *testing.T) {
	Run(t, func(*testing.T) bot.Store { return bot.NewMemoryStore() })
}
