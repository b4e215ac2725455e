package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"penggerak/internal/application"
)

func (n *national) userID(i int) int64 { return n.userBase + int64(i) + 1 }
func (n *national) appID(i int) int64  { return n.appBase + int64(i) + 1 }

// times of teacher i's application, relative to the registration opening.
func (n *national) appTimes(i int) (created, submitted time.Time) {
	r := n.rng(saltTeacher, uint64(i)+1)
	created = n.opens.Add(time.Duration(r.IntN(18*24*60)) * time.Minute)
	submitted = created.Add(time.Duration(60+r.IntN(48*60)) * time.Minute)
	if cap := n.anchor.Add(-time.Hour); submitted.After(cap) {
		submitted = cap
	}
	return created, submitted.Truncate(time.Microsecond)
}

// nik builds a valid NIK for teacher i: kab/kota and kecamatan of the school, birth date
// (day + 40 for women), serial i%9999+1 within that prefix (unique since prefixes with the
// same serial differ in i... made unique by the seen set).
func (n *national) nik(i int, seen map[string]bool) string {
	t := n.teachers[i]
	s := n.schools[t.School]
	day := t.Birth.Day()
	if t.Female {
		day += 40
	}
	prefix := strings.ReplaceAll(s.District, ".", "") + fmt.Sprintf("%02d%02d%02d", day, int(t.Birth.Month()), t.Birth.Year()%100)
	for serial := 1; ; serial++ {
		nik := prefix + fmt.Sprintf("%04d", serial)
		if !seen[nik] {
			seen[nik] = true
			return nik
		}
	}
}

func (n *national) essay(i, q int) string {
	r := n.rng(saltEssay, uint64(i*8+q))
	target := 160 + r.IntN(120)
	var b strings.Builder
	for b.Len() < target {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(natSentences[r.IntN(len(natSentences))])
	}
	return b.String()
}

// docs returns which of the 4 document slots teacher i has uploaded.
func (n *national) docs(i int) []bool {
	switch st := n.teachers[i].State; {
	case st == stDraftPartial:
		return []bool{i%2 == 0, i%4 == 0, false, false}
	default:
		return []bool{true, true, true, i%3 != 0}
	}
}

func (n *national) docRow(i, k int) (storage, sum string, size int) {
	h := sha256.Sum256([]byte(fmt.Sprintf("%d/%d/%d", n.o.Seed, i, k)))
	return hex.EncodeToString(h[:16]) + ".pdf", hex.EncodeToString(h[:]), 80_000 + int(h[20])*4000
}

func (n *national) cvEntry(i, k int) application.CVEntry {
	c := natCVTitles[(i+k)%len(natCVTitles)]
	from := 2010 + (i+k)%12
	to := from + 1 + k
	return application.CVEntry{ID: n.cvBase + int64(i)*3 + int64(k) + 1, Section: c[0], Title: c[1], Organisation: c[2], YearFrom: &from, YearTo: &to,
		Description: "Kegiatan rutin bersama rekan guru."}
}

func (n *national) cvCount(i int) int {
	if n.teachers[i].State == stDraftPartial {
		return i % 2
	}
	return 3
}

// scores of the two tahap 1 sheets of teacher i: an ability decides the level, the second
// assessor differs on at most one criterion by one point (within the threshold).
func (n *national) scores(i int) [2][]int32 {
	r := n.rng(saltSheet, uint64(i))
	ability := 0.25 + 0.75*r.Float64()
	var a [2][]int32
	for c := 0; c < 8; c++ {
		v := 1 + int32(math.Round(3*math.Max(0, math.Min(1, ability+(r.Float64()-0.5)*0.5))))
		a[0] = append(a[0], v)
	}
	a[1] = append([]int32(nil), a[0]...)
	c := r.IntN(8)
	if a[1][c] < 4 && r.IntN(2) == 0 {
		a[1][c]++
	} else if a[1][c] > 1 {
		a[1][c]--
	}
	return a
}

func natEmployment(r *rand.Rand) string {
	switch p := r.IntN(100); {
	case p < 45:
		return "PNS"
	case p < 60:
		return "PPPK"
	case p < 80:
		return "GTY"
	}
	return "honorer"
}

// natYears: between 5 and the years since age 22 (so the cohort's 5-year rule mostly holds).
func natYears(i int, t natTeacher) int {
	most := time.Now().Year() - t.Birth.Year() - 22
	if most < 5 {
		return max(0, most)
	}
	return 5 + i%(most-4)
}
