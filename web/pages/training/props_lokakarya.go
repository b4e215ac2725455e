package training

import (
	"context"
	"strconv"
	"time"

	"penggerak/internal/region"
	"penggerak/internal/training"
	"penggerak/web/components"
	"penggerak/web/i18n"
)

// LokakaryaForm is the typed schedule form.
type LokakaryaForm struct {
	Regency, Number, Date, Time, Place string
	// Groups are the ticked group ids; Typed tells a posted form (an untyped form ticks all).
	Groups []string
	Typed  bool
	Errors map[string]string
}

// groupTicked reports whether group id is ticked in the form.
func (f LokakaryaForm) groupTicked(id int64) bool {
	if !f.Typed {
		return true
	}
	for _, g := range f.Groups {
		if g == components.Int(id) {
			return true
		}
	}
	return false
}

// confirmedGroups are the province's confirmed groups (those a lokakarya can be for).
func confirmedGroups(gs []training.GroupRow) []training.GroupRow {
	var out []training.GroupRow
	for _, g := range gs {
		if g.Status == training.GroupActive {
			out = append(out, g)
		}
	}
	return out
}

// groupNumbers lists the numbers as "1, 2, 3".
func groupNumbers(ns []int32) string {
	out := ""
	for i, n := range ns {
		if i > 0 {
			out += ", "
		}
		out += strconv.Itoa(int(n))
	}
	return out
}

// AttendanceProps is the phone-friendly attendance list of one lokakarya.
type AttendanceProps struct {
	Lokakarya training.Lokakarya
	Rows      []training.AttendanceRow
	// Typed values and problems per participant after a refused save.
	Typed  map[int64]training.AttendanceEntry
	Errors map[int64]string
}

func (p AttendanceProps) status(r training.AttendanceRow) training.AttendanceStatus {
	if e, ok := p.Typed[r.ParticipantID]; ok {
		return e.Status
	}
	if r.Status == nil {
		return ""
	}
	return *r.Status
}

func (p AttendanceProps) reason(r training.AttendanceRow) string {
	if e, ok := p.Typed[r.ParticipantID]; ok {
		return e.Reason
	}
	return r.Reason
}

// localTime shows t in the time zone tz (WIB, WITA, WIT) with the zone's name.
func localTime(t time.Time, tz string) string {
	return region.FormatTime(t, tz)
}

func lokakaryaTitle(ctx context.Context, l training.Lokakarya) string {
	key := "training.lokakarya.name"
	if l.Last {
		key = "training.lokakarya.name_last"
	} else if l.Number == 0 {
		key = "training.lokakarya.name_first"
	}
	return i18n.T(ctx, key, map[string]any{"N": components.Int(l.Number)})
}

func numberOptions(count int) []components.Option {
	var out []components.Option
	for i := range count {
		out = append(out, components.Option{Value: components.Int(i), Label: components.Int(i)})
	}
	return out
}

func pid(id int64, prefix string) string { return prefix + "-" + components.Int(id) }
