package application

import (
	"testing"
	"time"
)

// TestNullableScanRefusesAValueTypeItCannotNull: a value type without NULL handling is refused
// when the targets are built, not on the first NULL row; pointer fields and the listed types
// are accepted.
func TestNullableScanRefusesAValueTypeItCannotNull(t *testing.T) {
	var n NullableScan
	var at *time.Time
	var name string
	n.add(&at, &name) // a pointer field and a listed type
	if len(n.Targets) != 2 {
		t.Fatalf("targets %d", len(n.Targets))
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a *float64 target was accepted")
		}
	}()
	var score float64
	n.add(&score)
}
