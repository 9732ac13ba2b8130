// Package content holds the knowledge base that ships inside the loa binary:
// the procedures, categories and glossary that editors keep as files here.
package content

import (
	"embed"
	"io/fs"
)

//go:embed categories.yaml glossary.yaml synonyms.yaml intents.yaml alarms.yaml gaps.yaml procedures
var files embed.FS

// FS returns the built-in content, rooted at this folder.
func FS() fs.FS { return files }
