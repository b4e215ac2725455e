// Package audit has the national admin's pages over the audit log: the newest entries first,
// and the verification of the hash chain.
package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"penggerak/internal/audit"
	"penggerak/internal/region"
)

// ListProps is one page of the audit log.
type ListProps struct {
	Entries []audit.LogEntry
	// NextURL links to older entries, "" on the last page; FirstURL back to the newest, "" on
	// the first page.
	NextURL  string
	FirstURL string
}

// VerifyProps is the outcome of checking the chain.
type VerifyProps struct {
	Result audit.Verification
}

type pair struct{ Key, Value string }

// details turns an entry's JSON detail into sorted key/value pairs for display.
func details(b []byte) []pair {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return []pair{{Key: "detail", Value: string(b)}}
	}
	out := make([]pair, 0, len(m))
	for k, v := range m {
		var s string
		switch v := v.(type) {
		case string:
			s = v
		case nil:
			s = "—"
		default:
			j, _ := json.Marshal(v)
			s = string(j)
		}
		if s == "" {
			s = "—"
		}
		out = append(out, pair{Key: k, Value: s})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// when shows an audit time in WIB, the time zone of the national admin.
func when(e audit.LogEntry) string {
	return e.At.In(region.Location("WIB")).Format("2006-01-02 15:04:05") + " WIB"
}

func actorName(e audit.LogEntry) string {
	switch {
	case e.ActorName != nil:
		return *e.ActorName
	case e.ActorID != nil:
		return fmt.Sprintf("#%d", *e.ActorID)
	}
	return ""
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
