// Package imports has the generic preview page of an upload: counts, the first rows, the
// problems per line, and the explicit commit.
package imports

// Problem is one problem of the upload, already translated; Line 0 is the whole file.
type Problem struct {
	Line int
	Text string
}

// PreviewProps is the preview of one upload.
type PreviewProps struct {
	Heading string
	// Note says what a commit will do beyond the rows (e.g. "replaces every target").
	Note string
	// Action is where the commit form posts (the preview's own address).
	Action    string
	Source    string
	Rows      int
	Columns   []string
	First     [][]string
	Problems  []Problem
	Committed bool
	// Result is the outcome of the commit (translated), shown once it is done.
	Result string
	Back   string
}
