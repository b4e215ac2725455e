package selection

import (
	"container/heap"
	"errors"
	"fmt"
	"sort"
)

// Assessor is an assessor available for assignment.
type Assessor struct {
	UserID      int64
	SchoolNPSN  string // the assessor's own school; empty when none
	RegencyCode string // kab/kota of the assessor's school or home; empty when none
	Load        int    // assignments already held (in this stage), counted for even loading
}

// AssignTarget is an application that needs assessors in a stage.
type AssignTarget struct {
	ApplicationID int64
	SchoolNPSN    string
	RegencyCode   string
	Need          int     // how many assessors to add (2 at first, 1 for a third)
	Exclude       []int64 // assessors who may not be picked (already assigned)
}

// AssignOptions configure the conflict-of-interest rules.
type AssignOptions struct {
	// AvoidSameRegency forbids an assessor from the applicant's own kab/kota.
	AvoidSameRegency bool
}

// Assignment pairs an application with an assessor.
type Assignment struct {
	ApplicationID int64
	AssessorID    int64
}

// ErrTooFewAssessors is returned when some application cannot get enough eligible assessors.
var ErrTooFewAssessors = errors.New("selection: too few eligible assessors")

// Assign picks assessors for every target: each target gets Need distinct assessors, never one
// from the applicant's school (nor, with AvoidSameRegency, from the same kab/kota), always the
// least-loaded eligible assessor (ties by lowest user id). Targets are processed in application
// id order, so the result depends only on the inputs, not their order. When an application
// cannot be served it returns ErrTooFewAssessors naming it, and no assignments.
func Assign(targets []AssignTarget, assessors []Assessor, opt AssignOptions) ([]Assignment, error) {
	plan := PlanAssign(targets, assessors, opt)
	if len(plan.Unassigned) > 0 {
		u := plan.Unassigned[0] // the first in application id order: every earlier target was served
		return nil, fmt.Errorf("%w: application %d needs %d, found %d", ErrTooFewAssessors, u.ApplicationID, u.Need, u.Found)
	}
	return plan.Assignments, nil
}

func conflict(a Assessor, t AssignTarget, opt AssignOptions) bool {
	if a.SchoolNPSN != "" && a.SchoolNPSN == t.SchoolNPSN {
		return true
	}
	if opt.AvoidSameRegency && a.RegencyCode != "" && a.RegencyCode == t.RegencyCode {
		return true
	}
	for _, x := range t.Exclude {
		if x == a.UserID {
			return true
		}
	}
	return false
}

type loadItem struct {
	a    Assessor
	load int
}

type loadHeap []*loadItem

func (h loadHeap) Len() int { return len(h) }
func (h loadHeap) Less(i, j int) bool {
	if h[i].load != h[j].load {
		return h[i].load < h[j].load
	}
	return h[i].a.UserID < h[j].a.UserID
}
func (h loadHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *loadHeap) Push(x any)   { *h = append(*h, x.(*loadItem)) }
func (h *loadHeap) Pop() any {
	old := *h
	n := len(old)
	it := old[n-1]
	*h = old[:n-1]
	return it
}

// Unassigned is a target a plan could not serve, and why: "too_few" when fewer eligible
// assessors exist than it needs even before conflicts, "conflict" when the others are from the
// applicant's school (or kab/kota) or already score it.
type Unassigned struct {
	ApplicationID int64
	Need, Found   int
	Reason        string
}

// AssignPlan is what an automatic assignment would do, without doing it.
type AssignPlan struct {
	Assignments []Assignment
	// PerAssessor is how many new sheets each assessor would get.
	PerAssessor map[int64]int
	// ConflictsAvoided counts assessor–application pairs passed over for a conflict of interest
	// (same school, same kab/kota when configured, already scoring it).
	ConflictsAvoided int
	Unassigned       []Unassigned
}

// PlanAssign is Assign as a dry run: the same picks (least loaded, conflict-free, application id
// order), but a target that cannot be served is listed in Unassigned with its reason (its partial
// picks dropped) instead of failing the whole plan.
func PlanAssign(targets []AssignTarget, assessors []Assessor, opt AssignOptions) AssignPlan {
	ts := append([]AssignTarget(nil), targets...)
	sort.Slice(ts, func(i, j int) bool { return ts[i].ApplicationID < ts[j].ApplicationID })
	h := make(loadHeap, 0, len(assessors))
	seen := map[int64]bool{}
	for _, a := range assessors {
		if !seen[a.UserID] { // the first row of an assessor listed twice counts
			seen[a.UserID] = true
			h = append(h, &loadItem{a: a, load: a.Load})
		}
	}
	heap.Init(&h)
	plan := AssignPlan{PerAssessor: map[int64]int{}}
	for _, t := range ts {
		if t.Need <= 0 {
			continue
		}
		var picks []*loadItem
		var skipped []*loadItem
		conflicts := 0
		for len(picks) < t.Need && h.Len() > 0 {
			it := heap.Pop(&h).(*loadItem)
			skipped = append(skipped, it)
			if conflict(it.a, t, opt) {
				conflicts++
				continue
			}
			picks = append(picks, it)
		}
		if len(picks) < t.Need {
			reason := "conflict"
			if len(seen) < t.Need {
				reason = "too_few"
			}
			plan.Unassigned = append(plan.Unassigned, Unassigned{ApplicationID: t.ApplicationID, Need: t.Need, Found: len(picks), Reason: reason})
		} else {
			plan.ConflictsAvoided += conflicts
			for _, it := range picks {
				it.load++
				plan.PerAssessor[it.a.UserID]++
				plan.Assignments = append(plan.Assignments, Assignment{ApplicationID: t.ApplicationID, AssessorID: it.a.UserID})
			}
		}
		for _, it := range skipped {
			heap.Push(&h, it)
		}
	}
	return plan
}
