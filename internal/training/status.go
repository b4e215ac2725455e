package training

// ParticipantStatus is where a CGP stands in the training.
type ParticipantStatus string

// Participant statuses: in the training (aktif), or withdrawn with a reason (mundur).
const (
	ParticipantActive    ParticipantStatus = "aktif"
	ParticipantWithdrawn ParticipantStatus = "mundur"
)

// Outcome is the BGP's graduation decision for a CGP.
type Outcome string

// Graduation outcomes: graduated (lulus, a Sertifikat Guru Penggerak is issued) or not (tidak
// lulus, with a reason).
const (
	OutcomeLulus      Outcome = "lulus"
	OutcomeTidakLulus Outcome = "tidak_lulus"
)

// GroupStatus is where a group of CGPs under a pengajar praktik stands.
type GroupStatus string

// Group statuses: proposed (usulan, may still be regenerated or edited freely) and confirmed
// (aktif, its changes kept in its history).
const (
	GroupProposed GroupStatus = "usulan"
	GroupActive   GroupStatus = "aktif"
)

// AttendanceStatus is a CGP's attendance at a lokakarya.
type AttendanceStatus string

// Attendance statuses: present (hadir), excused with a reason (izin), absent (tidak_hadir).
const (
	AttendancePresent AttendanceStatus = "hadir"
	AttendanceExcused AttendanceStatus = "izin"
	AttendanceAbsent  AttendanceStatus = "tidak_hadir"
)

// AttendanceStatuses lists the attendance statuses in the order the form offers them.
var AttendanceStatuses = []AttendanceStatus{AttendancePresent, AttendanceExcused, AttendanceAbsent}
