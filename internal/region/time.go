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

// DateTimeLayout is how the app writes a moment: day-month-year and the 24-hour clock.
const DateTimeLayout = "02-01-2006 15:04"

// FormatTime writes t in the zone tz followed by the zone's name ("05-01-2027 09:00 WITA"),
// in WIB when tz is unknown, so the name always says which clock the figures are on.
func FormatTime(t time.Time, tz string) string {
	t = InZone(t, tz)
	name, _ := t.Zone()
	return t.Format(DateTimeLayout) + " " + name
}
