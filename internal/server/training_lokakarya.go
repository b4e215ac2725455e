package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"penggerak/internal/account"
	"penggerak/internal/database"
	"penggerak/internal/training"
	trainingpage "penggerak/web/pages/training"
)

// training: lokakarya schedules and the attendance lists.

// trainingSchedule schedules or moves a lokakarya of a kab/kota for the chosen groups (time typed
// in its own zone) and mails the CGPs and PPs of those groups.
func (s *Server) trainingSchedule(w http.ResponseWriter, r *http.Request) error {
	id, prov, ok := trainingPath(r)
	if !ok {
		return database.ErrNotFound
	}
	var f struct {
		Regency string   `form:"lk-regency"`
		Number  string   `form:"lk-number"`
		Date    string   `form:"lk-date"`
		Time    string   `form:"lk-time"`
		Place   string   `form:"lk-place"`
		Groups  []string `form:"lk-group"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	form := trainingpage.LokakaryaForm{Regency: f.Regency, Number: f.Number, Date: f.Date, Time: f.Time, Place: f.Place, Groups: f.Groups, Typed: true}
	ctx := r.Context()
	st, err := s.trainingStore().Settings(ctx, id)
	if err != nil {
		return err
	}
	pv, err := s.regions.Province(ctx, prov)
	if err != nil {
		return err
	}
	in, errs := training.ParseLokakarya(f.Regency, f.Number, f.Date, f.Time, f.Place, pv.Timezone, st.LokakaryaCount, f.Groups)
	if len(errs) == 0 && in.Regency[:2] != prov {
		errs["regency"] = "training.error.regency"
	}
	if len(errs) > 0 {
		form.Errors = errs
		return s.renderProvince(w, r, http.StatusUnprocessableEntity, trainingpage.ProvinceProps{Schedule: form})
	}
	_, err = s.trainingStore().ScheduleLokakarya(ctx, actor(r), bgpScope(principal(r)), id, in, s.trainingMails().Lokakarya)
	if errors.Is(err, training.ErrGroupsElsewhere) {
		form.Errors = map[string]string{"groups": "training.error.lokakarya_groups_regency"}
		return s.renderProvince(w, r, http.StatusUnprocessableEntity, trainingpage.ProvinceProps{Schedule: form})
	}
	if err != nil {
		return err
	}
	return s.flashRedirect(w, r, "training.flash.lokakarya", provinceBack(r, id, prov, "#lokakarya"))
}

func recorder(p *account.Principal) training.Recorder {
	return training.Recorder{UserID: p.User.ID, BGPProvinces: bgpScope(p).Provinces}
}

// attendancePage is the lokakarya's attendance list: the PP's own mentees, or every CGP of the
// kab/kota for the province's BGP; anyone else 404.
func (s *Server) attendancePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAttendance(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderAttendance(w http.ResponseWriter, r *http.Request, status int, typed map[int64]training.AttendanceEntry, errs map[int64]string) error {
	id, ok := pathInt(r, "id")
	if !ok {
		return database.ErrNotFound
	}
	l, rows, err := s.trainingStore().AttendanceSheet(r.Context(), recorder(principal(r)), id)
	if err != nil {
		return err
	}
	s.render(w, r, status, trainingpage.Attendance(s.base(r, "training.attendance.title"),
		trainingpage.AttendanceProps{Lokakarya: l, Rows: rows, Typed: typed, Errors: errs}))
	return nil
}

// saveAttendance records the list (all or nothing); izin needs a reason.
func (s *Server) saveAttendance(w http.ResponseWriter, r *http.Request) error {
	var none struct{}
	id, ok, err := s.pathForm(w, r, "id", &none)
	if !ok {
		return err
	}
	var es []training.AttendanceEntry
	typed := map[int64]training.AttendanceEntry{}
	for k, v := range r.PostForm {
		pidText, found := strings.CutPrefix(k, "status-")
		pid := parseID(pidText)
		if !found || pid == 0 || len(v) == 0 {
			continue
		}
		e := training.AttendanceEntry{ParticipantID: pid, Status: training.AttendanceStatus(v[0]), Reason: r.PostForm.Get("reason-" + pidText)}
		es = append(es, e)
		typed[pid] = e
	}
	if errs := training.CheckAttendance(es); len(errs) > 0 {
		return s.renderAttendance(w, r, http.StatusUnprocessableEntity, typed, errs)
	}
	if err := s.trainingStore().SaveAttendance(r.Context(), actor(r), recorder(principal(r)), id, es); err != nil {
		return err
	}
	return s.flashRedirect(w, r, "training.flash.attendance", "/lokakarya/"+strconv.FormatInt(id, 10)+"/presensi")
}
