package selection

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
)

func TestAssignEvenAndConflictFree(t *testing.T) {
	var assessors []Assessor
	for i := int64(1); i <= 7; i++ {
		assessors = append(assessors, Assessor{UserID: i, SchoolNPSN: fmt.Sprintf("1000000%d", i), RegencyCode: fmt.Sprintf("16.0%d", i%3)})
	}
	var targets []AssignTarget
	for i := int64(1); i <= 100; i++ {
		targets = append(targets, AssignTarget{ApplicationID: i, SchoolNPSN: fmt.Sprintf("1000000%d", i%7+1), RegencyCode: fmt.Sprintf("16.0%d", i%3), Need: 2})
	}
	for _, avoid := range []bool{false, true} {
		t.Run(fmt.Sprintf("avoidRegency=%v", avoid), func(t *testing.T) {
			got, err := Assign(targets, assessors, AssignOptions{AvoidSameRegency: avoid})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 200 {
				t.Fatalf("%d assignments, want 200", len(got))
			}
			load := map[int64]int{}
			per := map[int64][]int64{}
			byID := map[int64]Assessor{}
			for _, a := range assessors {
				byID[a.UserID] = a
			}
			tByID := map[int64]AssignTarget{}
			for _, tg := range targets {
				tByID[tg.ApplicationID] = tg
			}
			for _, a := range got {
				load[a.AssessorID]++
				per[a.ApplicationID] = append(per[a.ApplicationID], a.AssessorID)
				as, tg := byID[a.AssessorID], tByID[a.ApplicationID]
				if as.SchoolNPSN == tg.SchoolNPSN {
					t.Fatalf("assessor %d from the school of application %d", a.AssessorID, a.ApplicationID)
				}
				if avoid && as.RegencyCode == tg.RegencyCode {
					t.Fatalf("assessor %d from the kab/kota of application %d", a.AssessorID, a.ApplicationID)
				}
			}
			for app, as := range per {
				if len(as) != 2 || as[0] == as[1] {
					t.Fatalf("application %d got %v", app, as)
				}
			}
			lo, hi := 1<<30, 0
			for _, l := range load {
				lo, hi = min(lo, l), max(hi, l)
			}
			// 200 assignments over 7 assessors: 28 or 29 each without conflicts; constraints may
			// add a little spread but never a lot.
			if hi-lo > 3 {
				t.Fatalf("uneven load %v", load)
			}
			if !avoid && hi-lo > 1 {
				t.Fatalf("uneven load without regency rule %v", load)
			}
		})
	}
}

func TestAssignDeterministic(t *testing.T) {
	assessors := []Assessor{{UserID: 3}, {UserID: 1}, {UserID: 2, Load: 1}}
	targets := []AssignTarget{{ApplicationID: 20, Need: 2}, {ApplicationID: 10, Need: 2}, {ApplicationID: 30, Need: 1, Exclude: []int64{1}}}
	a, err := Assign(targets, assessors, AssignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(targets)
	slices.Reverse(assessors)
	b, err := Assign(targets, assessors, AssignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("order changed the result:\n%v\n%v", a, b)
	}
	want := []Assignment{{10, 1}, {10, 3}, {20, 1}, {20, 2}, {30, 3}}
	if !reflect.DeepEqual(a, want) {
		t.Fatalf("got %v, want %v", a, want)
	}
}

func TestAssignTooFew(t *testing.T) {
	tests := []struct {
		name      string
		assessors []Assessor
		target    AssignTarget
		opt       AssignOptions
	}{
		{"one assessor", []Assessor{{UserID: 1}}, AssignTarget{ApplicationID: 5, Need: 2}, AssignOptions{}},
		{"same school", []Assessor{{UserID: 1, SchoolNPSN: "20100001"}, {UserID: 2}}, AssignTarget{ApplicationID: 5, SchoolNPSN: "20100001", Need: 2}, AssignOptions{}},
		{"same regency", []Assessor{{UserID: 1, RegencyCode: "16.01"}, {UserID: 2}}, AssignTarget{ApplicationID: 5, RegencyCode: "16.01", Need: 2}, AssignOptions{AvoidSameRegency: true}},
		{"excluded", []Assessor{{UserID: 1}, {UserID: 2}}, AssignTarget{ApplicationID: 5, Need: 1, Exclude: []int64{1, 2}}, AssignOptions{}},
		{"none", nil, AssignTarget{ApplicationID: 5, Need: 1}, AssignOptions{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Assign([]AssignTarget{tt.target}, tt.assessors, tt.opt)
			if !errors.Is(err, ErrTooFewAssessors) || got != nil {
				t.Fatalf("Assign = %v, %v; want ErrTooFewAssessors", got, err)
			}
		})
	}
	// same regency is fine when the rule is off
	if _, err := Assign([]AssignTarget{{ApplicationID: 5, RegencyCode: "16.01", Need: 2}},
		[]Assessor{{UserID: 1, RegencyCode: "16.01"}, {UserID: 2}}, AssignOptions{}); err != nil {
		t.Fatal(err)
	}
}
