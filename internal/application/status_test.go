package application

import (
	"testing"
	"time"

	"penggerak/internal/cohort"
)

// StatusKey follows the latest fact: training over the seat, the seat over the published
// result, the result over verval; a draft or withdrawn application says so whatever else.
func TestStatusKey(t *testing.T) {
	tests := []struct {
		p    Progress
		want string
	}{
		{Progress{Status: StatusDraft}, "application.status.draft"},
		{Progress{Status: StatusSubmitted}, "application.status.submitted"},
		{Progress{Status: StatusVervalPassed}, "application.status.verval_passed"},
		{Progress{Status: StatusVervalFailed}, "application.status.verval_failed"},
		{Progress{Status: StatusVervalPassed, Outcome: "lulus"}, "application.state.result_lulus"},
		{Progress{Status: StatusVervalPassed, Outcome: "cadangan"}, "application.state.result_cadangan"},
		{Progress{Status: StatusVervalPassed, Outcome: "tidak_lulus"}, "application.state.result_tidak_lulus"},
		{Progress{Status: StatusVervalPassed, Outcome: "lulus", Seat: "offered"}, "application.state.seat_offered"},
		{Progress{Status: StatusVervalPassed, Outcome: "cadangan", Seat: "confirmed"}, "application.state.seat_confirmed"},
		{Progress{Status: StatusVervalPassed, Outcome: "lulus", Seat: "attended", Training: "aktif"}, "application.state.training_aktif"},
		{Progress{Status: StatusVervalPassed, Outcome: "lulus", Seat: "attended", Training: "aktif", TrainingOutcome: "lulus"}, "application.state.training_lulus"},
		{Progress{Status: StatusWithdrawn, Outcome: "lulus"}, "application.status.withdrawn"},
	}
	for _, tt := range tests {
		if got := StatusKey(tt.p); got != tt.want {
			t.Errorf("StatusKey(%+v) = %s, want %s", tt.p, got, tt.want)
		}
	}
}

// The receipt's timeline marks the cohort's current stage and carries its dates.
func TestTimeline(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	sim := time.Date(2027, 1, 20, 0, 0, 0, 0, time.UTC)
	c := cohort.Config{Cohort: cohort.Cohort{Status: cohort.StatusPendaftaran, RegistrationClosesAt: now.Add(48 * time.Hour), SimulasiStartsOn: &sim, TrainingMonths: 6}}
	current := func(ms []Milestone) string {
		for _, m := range ms {
			if m.Current {
				return m.Key
			}
		}
		return ""
	}
	if got := current(Timeline(c, now)); got != "closes" {
		t.Errorf("open registration: current %s", got)
	}
	if got := current(Timeline(c, now.Add(72*time.Hour))); got != "administrasi" {
		t.Errorf("after closing: current %s", got)
	}
	c.Status = cohort.StatusSeleksi
	if got := current(Timeline(c, sim)); got != "simulasi" {
		t.Errorf("in seleksi on the simulasi start: current %s", got)
	}
	ms := Timeline(c, sim)
	if !ms[0].Done || !ms[1].Done || ms[3].Done || ms[2].From == nil || !ms[2].From.Equal(sim) || ms[4].Months != 6 {
		t.Errorf("timeline %+v", ms)
	}
	if got := DateRange(&sim, nil); got != "20-01-2027" {
		t.Errorf("DateRange = %q", got)
	}
}
