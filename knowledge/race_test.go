//go:build race

package knowledge

// raceEnabled is true in a -race build, which makes bleve indexing about
// ten times slower.
const raceEnabled = true
