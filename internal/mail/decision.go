package mail

import "strconv"

// DecisionRef names a decision a held mail reports: kind "verval" (an application's verval
// outcome), "run" (a published result run) or "seat" (a seat offered to a cadangan moved up),
// and the id of its row.
func DecisionRef(kind string, id int64) string { return kind + ":" + strconv.FormatInt(id, 10) }

// ReleasedSQL is the one rule of when a decision may reach its applicant, as an SQL condition
// over ref (an SQL text expression giving the decision's DecisionRef): no mail reporting it is
// still held in the review outbox. Every page that shows an applicant a decision filters by it,
// and the release stamps seat offers by it, so nothing is seen before its mail is sent.
func ReleasedSQL(ref string) string {
	return `NOT EXISTS (SELECT 1 FROM mail_outbox held_mail WHERE held_mail.held AND held_mail.ref <> '' AND held_mail.ref = (` + ref + `))`
}
