package training

import (
	"cmp"
	"slices"
)

// Reasons a CGP is left out of a proposal or a group cannot join a fasilitator's class (message
// keys, shown to the BGP).
const (
	ReasonNoPP        = "training.unplaced.no_pp"        // no PP of the kab/kota has room left
	ReasonOwnSchool   = "training.unplaced.own_school"   // every PP with room is from the CGP's school
	ReasonBelowMin    = "training.unplaced.below_min"    // too few CGPs left for a group of the minimum size
	ReasonNoClassRoom = "training.unclassed.no_capacity" // no fasilitator of the province has room
)

// Sizes are the cohort's group and caseload settings the grouping needs.
type Sizes struct {
	GroupMin int
	GroupMax int
}

// Candidate is a CGP to be placed.
type Candidate struct {
	ID      int64
	Regency string
	NPSN    string
	Jenjang string
}

// Mentor is an appointed PP or fasilitator with its kab/kota, school (may be empty) and cap:
// CGPs for a PP, groups for a fasilitator. Load is what it already carries outside the proposal.
type Mentor struct {
	ID      int64
	Regency string
	NPSN    string
	Cap     int
	Load    int
}

// ProposedGroup is one group of a proposal.
type ProposedGroup struct {
	Regency       string
	Number        int // 1, 2, ... within the kab/kota
	PP            int64
	Fasilitator   int64 // 0 when no fasilitator had room (see Proposal.Unclassed)
	Members       []int64
	MemberSchools []string
}

// Unplaced is a CGP the proposal could not place, with the reason (message key).
type Unplaced struct {
	ID     int64
	Reason string
}

// Proposal is the result of Propose.
type Proposal struct {
	Groups   []ProposedGroup
	Unplaced []Unplaced
	// Unclassed lists indexes into Groups of groups without a fasilitator, with the reason.
	Unclassed []int
}

// Band is the jenjang band kept together in groups (PAUD/TK, SD, SMP, SMA/SMK/SLB); madrasah
// levels join their equivalent.
func Band(jenjang string) int {
	switch jenjang {
	case "PAUD", "TK":
		return 0
	case "SD", "MI":
		return 1
	case "SMP", "MTS":
		return 2
	case "SMA", "SMK", "SLB", "MA":
		return 3
	}
	return 4
}

// Propose forms groups: per kab/kota, CGPs in groups of GroupMin..GroupMax under one PP of that
// kab/kota, never a PP from the CGP's own school, jenjang bands kept together where possible, PP
// loads balanced and never above their cap; then the groups into fasilitator classes (a
// fasilitator of the same kab/kota first, then any of the province), never above a
// fasilitator's cap. Whoever cannot be placed is listed with the reason. The result depends only
// on the input sets, not their order.
func Propose(sz Sizes, cgps []Candidate, pps, fasilitators []Mentor) Proposal {
	if sz.GroupMin < 1 {
		sz.GroupMin = 1
	}
	if sz.GroupMax < sz.GroupMin {
		sz.GroupMax = sz.GroupMin
	}
	cgps = slices.Clone(cgps)
	slices.SortFunc(cgps, func(a, b Candidate) int {
		return cmp.Or(cmp.Compare(a.Regency, b.Regency), cmp.Compare(Band(a.Jenjang), Band(b.Jenjang)),
			cmp.Compare(a.NPSN, b.NPSN), cmp.Compare(a.ID, b.ID))
	})
	cgps = slices.CompactFunc(cgps, func(a, b Candidate) bool { return a.ID == b.ID })
	ppsBy := map[string][]*Mentor{}
	for _, m := range sortMentors(pps) {
		ppsBy[m.Regency] = append(ppsBy[m.Regency], m)
	}
	var out Proposal
	for start := 0; start < len(cgps); {
		end := start
		for end < len(cgps) && cgps[end].Regency == cgps[start].Regency {
			end++
		}
		groups, unplaced := proposeRegency(sz, cgps[start:end], ppsBy[cgps[start].Regency])
		out.Groups = append(out.Groups, groups...)
		out.Unplaced = append(out.Unplaced, unplaced...)
		start = end
	}
	slices.SortFunc(out.Unplaced, func(a, b Unplaced) int { return cmp.Compare(a.ID, b.ID) })
	out.Unclassed = assignClasses(out.Groups, sortMentors(fasilitators))
	return out
}

func sortMentors(ms []Mentor) []*Mentor {
	out := make([]*Mentor, 0, len(ms))
	seen := map[int64]bool{}
	for i := range ms {
		if !seen[ms[i].ID] {
			seen[ms[i].ID] = true
			m := ms[i]
			out = append(out, &m)
		}
	}
	slices.SortFunc(out, func(a, b *Mentor) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

type building struct {
	pp      *Mentor
	target  int
	members []Candidate
}

func (g *building) conflicts(c Candidate) bool {
	return g.pp.NPSN != "" && g.pp.NPSN == c.NPSN
}

// proposeRegency groups the CGPs of one kab/kota (sorted by band, school, id) under its PPs.
func proposeRegency(sz Sizes, cgps []Candidate, pps []*Mentor) ([]ProposedGroup, []Unplaced) {
	n := len(cgps)
	load := map[int64]int{}
	for _, m := range pps {
		load[m.ID] = m.Load
	}
	groups, noPP := assignMentors(groupTargets(sz, n), sz, pps, load)
	left := fillGroups(groups, cgps)
	var unplaced []Unplaced
	for _, c := range secondChance(groups, left, sz, load) {
		unplaced = append(unplaced, Unplaced{ID: c.ID, Reason: leftReason(c, groups, noPP, n, sz)})
	}
	return finishGroups(groups, sz, unplaced)
}

// groupTargets says how many groups n CGPs make and the size each aims at: enough groups that
// none is above the maximum, no more than keeps each at the minimum, the sizes as even as possible.
func groupTargets(sz Sizes, n int) []*building {
	g := (n + sz.GroupMax - 1) / sz.GroupMax
	if g*sz.GroupMin > n {
		g = n / sz.GroupMin
	}
	var groups []*building
	placeable := min(n, g*sz.GroupMax)
	for i := range g {
		t := placeable / g
		if i < placeable%g {
			t++
		}
		groups = append(groups, &building{target: t})
	}
	return groups
}

// assignMentors gives each group the PP with the lowest load that has room for it (ties: the
// first listed, i.e. the lowest id), or a PP with less room left when its smaller group still
// reaches the minimum; load is updated. Groups that find no PP are dropped (noPP reports it):
// their CGPs are left for the filling to report.
func assignMentors(groups []*building, sz Sizes, pps []*Mentor, load map[int64]int) (kept []*building, noPP bool) {
	for _, b := range groups {
		var best *Mentor
		for _, m := range pps {
			if m.Cap-load[m.ID] >= b.target && (best == nil || load[m.ID] < load[best.ID]) {
				best = m
			}
		}
		if best == nil {
			for _, m := range pps {
				room := m.Cap - load[m.ID]
				if room >= sz.GroupMin && room > 0 && (best == nil || room > best.Cap-load[best.ID]) {
					best = m
				}
			}
			if best == nil {
				noPP = true
				continue
			}
			b.target = best.Cap - load[best.ID]
		}
		b.pp = best
		load[best.ID] += b.target
		kept = append(kept, b)
	}
	return kept, noPP
}

// fillGroups places the CGPs in their order (which keeps bands and schools together): each into
// the current group while it has room and its PP is not from the CGP's school, else into the
// first group that qualifies. It returns those left over.
func fillGroups(groups []*building, cgps []Candidate) []Candidate {
	var left []Candidate
	cur := 0
	for _, c := range cgps {
		for cur < len(groups) && len(groups[cur].members) >= groups[cur].target {
			cur++
		}
		if cur < len(groups) && !groups[cur].conflicts(c) {
			groups[cur].members = append(groups[cur].members, c)
			continue
		}
		placed := false
		for _, b := range groups {
			if len(b.members) < b.target && !b.conflicts(c) {
				b.members = append(b.members, c)
				placed = true
				break
			}
		}
		if !placed {
			left = append(left, c)
		}
	}
	return left
}

// secondChance places those a conflict pushed out into a group up to the maximum size, while
// its PP stays within the cap (load counts the seats beyond a group's target). It returns
// those still left.
func secondChance(groups []*building, left []Candidate, sz Sizes, load map[int64]int) []Candidate {
	var still []Candidate
	for _, c := range left {
		placed := false
		for _, b := range groups {
			if len(b.members) < sz.GroupMax && (len(b.members) < b.target || load[b.pp.ID] < b.pp.Cap) && !b.conflicts(c) {
				if len(b.members) >= b.target {
					load[b.pp.ID]++
				}
				b.members = append(b.members, c)
				placed = true
				break
			}
		}
		if !placed {
			still = append(still, c)
		}
	}
	return still
}

// finishGroups numbers the groups that reached the minimum; those below it are dissolved and
// their CGPs added to unplaced with the reason.
func finishGroups(groups []*building, sz Sizes, unplaced []Unplaced) ([]ProposedGroup, []Unplaced) {
	var out []ProposedGroup
	num := 0
	for _, b := range groups {
		if len(b.members) < sz.GroupMin {
			for _, c := range b.members {
				unplaced = append(unplaced, Unplaced{ID: c.ID, Reason: ReasonBelowMin})
			}
			continue
		}
		num++
		pg := ProposedGroup{Regency: b.pp.Regency, Number: num, PP: b.pp.ID}
		for _, c := range b.members {
			pg.Members = append(pg.Members, c.ID)
			pg.MemberSchools = append(pg.MemberSchools, c.NPSN)
		}
		out = append(out, pg)
	}
	return out, unplaced
}

// leftReason explains why c found no group.
func leftReason(c Candidate, groups []*building, noPP bool, n int, sz Sizes) string {
	if len(groups) == 0 {
		if n < sz.GroupMin {
			return ReasonBelowMin
		}
		return ReasonNoPP
	}
	if !slices.ContainsFunc(groups, func(b *building) bool { return !b.conflicts(c) }) {
		return ReasonOwnSchool
	}
	if noPP {
		return ReasonNoPP
	}
	return ReasonBelowMin
}

// assignClasses puts each group in a fasilitator's class: one of the same kab/kota with room
// first, then any with room (lowest load, then lowest id). It returns the indexes of groups
// left without one.
func assignClasses(groups []ProposedGroup, fas []*Mentor) []int {
	load := map[int64]int{}
	for _, m := range fas {
		load[m.ID] = m.Load
	}
	byRegency := map[string][]*Mentor{}
	for _, m := range fas {
		byRegency[m.Regency] = append(byRegency[m.Regency], m)
	}
	pick := func(ms []*Mentor) *Mentor {
		var best *Mentor
		for _, m := range ms {
			if load[m.ID] < m.Cap && (best == nil || load[m.ID] < load[best.ID]) {
				best = m
			}
		}
		return best
	}
	var unclassed []int
	for i := range groups {
		best := pick(byRegency[groups[i].Regency])
		if best == nil {
			best = pick(fas)
		}
		if best == nil {
			unclassed = append(unclassed, i)
			continue
		}
		load[best.ID]++
		groups[i].Fasilitator = best.ID
	}
	return unclassed
}
