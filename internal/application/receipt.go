package application

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/cohort"
	"penggerak/internal/database"
	"penggerak/internal/region"
)

// Receipt is the tanda terima of a submitted application, read from what was stored at submit
// (submitted_content), never rebuilt from the application's current rows.
type Receipt struct {
	Application
	Cohort cohort.Config
	// Content is the content as submitted; nil for an application stored without it.
	Content  *Content
	Progress Progress
	// Timezone is the applicant's zone (WIB, WITA, WIT) from the application's province.
	Timezone string
}

// StatusKey is the message key of where the application stands now.
func (r Receipt) StatusKey() string { return StatusKey(r.Progress) }

// Receipt returns the receipt of the teacher's own submitted application (ErrNotFound for
// another's or one never submitted): the stored submitted content and where the application
// stands as the applicant may see it (held decisions hidden, see myProgressSQL) in one
// statement, the cohort's dates in a second.
func (s *Store) Receipt(ctx context.Context, userID, id int64) (Receipt, error) {
	var r Receipt
	rows, _ := s.db.Query(ctx, `SELECT `+prefixed("a.", appCols)+`, a.submitted_content, `+myProgressFacts+`
		FROM applications a `+ProgressJoin+`
		WHERE a.id = $1 AND a.user_id = $2 AND a.submitted_at IS NOT NULL`, id, userID)
	type row struct {
		Application
		Content  []byte `db:"submitted_content"`
		MyStatus Status `db:"my_status"`
		progressFacts
	}
	x, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[row])
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("receipt %d: %w", id, database.ErrNotFound)
	}
	if err != nil {
		return r, err
	}
	r.Application = x.Application
	if len(x.Content) > 0 {
		var c Content
		if err := json.Unmarshal(x.Content, &c); err != nil {
			return r, fmt.Errorf("submitted content of %d: %w", id, err)
		}
		r.Content = &c
	}
	c, err := s.cohorts.Get(ctx, r.CohortID)
	if err != nil {
		return r, err
	}
	r.Cohort = cohort.Config{Cohort: c}
	r.Progress = x.progress(x.MyStatus)
	r.Timezone = region.Timezone(r.ProvinceCode)
	return r, nil
}

// Milestone is one step of "what happens next" on the receipt, with the cohort's dates (nil
// when the cohort has not set them yet).
type Milestone struct {
	// Key names the stage (message key suffix: receipt.next.<Key>).
	Key        string
	From, To   *time.Time
	Done       bool
	Current    bool
	Months     int
	ConfirmDay int
}

// Timeline is what happens after the submission, from the cohort's stage plan; the stage the
// cohort is in now is marked current, the earlier ones done.
func Timeline(c cohort.Config, now time.Time) []Milestone {
	closes := c.RegistrationClosesAt
	ms := []Milestone{
		{Key: "closes", From: &closes},
		{Key: "administrasi", From: c.AdministrasiStartsOn, To: c.AdministrasiEndsOn},
		{Key: "simulasi", From: c.SimulasiStartsOn, To: c.SimulasiEndsOn},
		{Key: "pembekalan", From: c.PembekalanStartsOn, To: c.PembekalanEndsOn, ConfirmDay: c.ConfirmDays},
		{Key: "pendidikan", Months: c.TrainingMonths},
	}
	current := 0
	switch c.Status {
	case cohort.StatusPendaftaran:
		if !now.Before(closes) {
			current = 1
		}
	case cohort.StatusSeleksi:
		current = 1
		if c.SimulasiStartsOn != nil && !now.Before(*c.SimulasiStartsOn) {
			current = 2
		}
	case cohort.StatusPembekalan:
		current = 3
	case cohort.StatusPendidikan, cohort.StatusSelesai:
		current = 4
	}
	for i := range ms {
		ms[i].Done, ms[i].Current = i < current, i == current
	}
	return ms
}
