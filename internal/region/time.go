package region

import "time"

var locations = map[string]*time.Location{
	"WIB":  time.FixedZone("WIB", 7*3600),
	"WITA": time.FixedZone("WITA", 8*3600),
	"WIT":  time.FixedZone("WIT", 9*3600),
}

// InZone converts t to WIB, WITA or WIT (WIB when tz is unknown).
func InZone(t time.Time, tz string) time.Time {
	loc, ok := locations[tz]
	if !ok {
		loc = locations["WIB"]
	}
	return t.In(loc)
}
