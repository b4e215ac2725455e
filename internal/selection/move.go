package selection

import (
	"strconv"
	"strings"
)

// MoveForm is a bulk reassignment form as typed (verval assignments, tahap 1 sheets, tahap 2
// sessions): from one assessor to another, optionally only applicants of one kab/kota; Stage
// picks the sheets ("tahap1", the default, or "tahap2": both sheets of each session).
type MoveForm struct {
	From    string `form:"from"`
	To      string `form:"to"`
	Regency string `form:"regency"`
	Stage   string `form:"stage"`
}

// Move is a valid bulk reassignment.
type Move struct {
	From, To int64
	Regency  string // "" for every kab/kota
	// Tahap2 moves tahap 2 sessions (simulasi and wawancara sheets and the session's assessor)
	// instead of tahap 1 sheets.
	Tahap2 bool
}

// Parse validates the form; errors map field → message key (nil when valid).
func (f MoveForm) Parse() (Move, map[string]string) {
	var m Move
	errs := map[string]string{}
	from, err1 := strconv.ParseInt(strings.TrimSpace(f.From), 10, 64)
	to, err2 := strconv.ParseInt(strings.TrimSpace(f.To), 10, 64)
	if err1 != nil || from <= 0 {
		errs["from"] = "verval.move.error.from"
	}
	switch {
	case err2 != nil || to <= 0:
		errs["to"] = "verval.move.error.to"
	case to == from:
		errs["to"] = "verval.move.error.same"
	}
	if len(f.Regency) > 5 {
		errs["regency"] = "verval.move.error.regency"
	}
	switch f.Stage {
	case "", string(StageTahap1):
	case "tahap2":
		m.Tahap2 = true
	default:
		errs["stage"] = "selection.move.error.stage"
	}
	if len(errs) > 0 {
		return m, errs
	}
	m.From, m.To, m.Regency = from, to, f.Regency
	return m, nil
}
