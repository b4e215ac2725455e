package pdp

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/line"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/pagesize"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/johnfercher/maroto/v2/pkg/repository"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// Labels name the fields of the personal-data download in Bahasa Indonesia, for its PDF. A
// field without a label is shown by its key.
var Labels = map[string]string{
	"exported_at": "Waktu unduh", "account": "Akun", "roles": "Peran", "teacher_profile": "Profil guru",
	"deletion_requests": "Permintaan penghapusan", "traces": "Jejak", "retention": "Masa simpan",
	"applications": "Pendaftaran", "selection": "Seleksi", "clinics": "Coaching clinic dan sosialisasi",
	"id": "Nomor", "email": "Surel", "name": "Nama", "phone": "Nomor HP", "language": "Bahasa",
	"email_verified_at": "Surel diverifikasi", "created_at": "Dibuat", "role": "Peran", "region": "Wilayah",
	"granted_at": "Diberikan", "cohort": "Angkatan", "status": "Status", "applicant_name": "Nama pendaftar",
	"npsn": "NPSN", "school": "Sekolah", "jenjang": "Jenjang", "regency_code": "Kode kab/kota",
	"profile_confirmed_at": "Profil dikonfirmasi", "submitted_at": "Dikirim", "registration_number": "Nomor pendaftaran",
	"receipt_checksum": "Checksum tanda terima", "withdrawn_at": "Ditarik", "verval_decided_at": "Verval diputuskan",
	"correction_until": "Batas perbaikan", "consent": "Persetujuan data pribadi", "text_version": "Versi teks",
	"consented_at": "Disetujui", "ip": "Alamat IP", "cv": "Daftar riwayat hidup", "section": "Bagian", "title": "Judul",
	"organisation": "Lembaga", "year_from": "Dari tahun", "year_to": "Sampai tahun", "description": "Uraian",
	"essays": "Esai", "question": "Pertanyaan", "answer": "Jawaban", "updated_at": "Diperbarui",
	"documents": "Dokumen", "document": "Dokumen", "file_name": "Nama berkas", "size_bytes": "Ukuran (bita)",
	"sha256": "SHA-256", "uploaded_at": "Diunggah", "verval_status": "Hasil verval", "verval_reason": "Alasan verval",
	"verval_note": "Catatan verval", "verval_at": "Waktu verval", "corrected_at": "Diperbaiki", "verval_history": "Riwayat verval",
	"verdict": "Putusan", "reason": "Alasan", "note": "Catatan", "decided_at": "Diputuskan",
	"scores": "Nilai", "application_id": "Nomor pendaftaran (internal)", "stage": "Tahap", "adjudication": "Penilai ketiga",
	"stage_score": "Nilai tahap", "criterion_scores": "Nilai per kriteria", "results": "Hasil", "run_id": "Nomor hitungan",
	"published_at": "Diumumkan", "correction_of_run": "Koreksi atas hitungan", "score": "Nilai akhir", "stage_scores": "Nilai per tahap",
	"outcome": "Keputusan", "rank_in_regency": "Peringkat di kab/kota", "seats": "Kursi pembekalan", "confirm_by": "Batas konfirmasi",
	"confirmed_at": "Dikonfirmasi", "pakta_uploaded": "Pakta Integritas diunggah", "pakta_sha256": "SHA-256 Pakta",
	"freed_at": "Dilepas", "attended_at": "Hadir", "tahap2": "Jadwal tahap 2", "starts_at": "Mulai", "minutes": "Durasi (menit)",
	"mode": "Bentuk", "location": "Tempat/tautan", "reschedule_reason": "Alasan minta jadwal ulang",
	"reschedule_asked_at": "Jadwal ulang diminta", "rescheduled_at": "Dijadwalkan ulang", "event": "Kegiatan",
	"organiser": "Penyelenggara", "event_status": "Status kegiatan", "nominated": "Dinominasikan", "ticket_code": "Kode tiket",
	"certificate_code": "Nomor verifikasi sertifikat", "registered_at": "Mendaftar", "promoted_at": "Naik dari daftar tunggu",
	"cancelled_at": "Dibatalkan", "certificate_revoked_at": "Sertifikat dicabut", "certificate_revoked_reason": "Alasan pencabutan",
	"attendance": "Kehadiran", "session": "Sesi", "session_starts_at": "Sesi mulai", "checked_in_at": "Presensi",
	"method": "Cara presensi", "feedback": "Umpan balik", "rating": "Nilai", "comment": "Komentar", "given_at": "Diberikan",
	"audit": "Log audit", "mail": "Surel terkirim", "sign_in_failures": "Percobaan masuk gagal", "at": "Waktu",
	"action": "Tindakan", "object_type": "Jenis objek", "object_id": "Objek", "subject": "Perihal", "nik": "NIK",
	"nuptk": "NUPTK", "nip": "NIP", "birth_date": "Tanggal lahir", "gender": "Jenis kelamin", "subject_taught": "Mata pelajaran",
	// Training (pendidikan).
	"training": "Pendidikan Guru Penggerak", "participations": "Keikutsertaan sebagai CGP",
	"appointments": "Penugasan sebagai pengajar praktik atau fasilitator", "cohort_number": "Nomor angkatan", "regency": "Kab/kota",
	"withdraw_reason": "Alasan mundur", "group": "Kelompok", "group_number": "Nomor kelompok", "group_status": "Status kelompok",
	"joined_at": "Masuk kelompok", "pengajar_praktik": "Pengajar praktik", "fasilitator": "Fasilitator",
	"lokakarya": "Kehadiran lokakarya", "lokakarya_number": "Lokakarya ke-", "place": "Tempat", "recorded_at": "Dicatat",
	"visits": "Pendampingan individu", "visit_number": "Pendampingan ke-", "planned_on": "Tanggal rencana",
	"visited_on": "Tanggal pendampingan", "notes": "Catatan pendampingan", "follow_up": "Tindak lanjut yang disepakati",
	"acknowledged_at": "Diterima CGP", "cgp_comment": "Komentar CGP", "commented_at": "Dikomentari",
	"modules": "Modul daring selesai", "module": "Modul ke-", "completed_at": "Selesai", "source": "Sumber",
	"assessments": "Penilaian akhir", "by_role": "Penilai", "pass_score": "Nilai minimal lulus", "passed": "Memenuhi nilai minimal",
	"graduation": "Keputusan kelulusan", "outcome_reason": "Alasan keputusan", "certificate": "Sertifikat Guru Penggerak",
	"certificate_number": "Nomor sertifikat", "issued_at": "Terbit", "revoked_at": "Dicabut", "revoke_reason": "Alasan pencabutan",
	"cap": "Batas binaan", "appointed_at": "Diangkat", "ended_at": "Berakhir", "ended_reason": "Alasan berakhir",
}

// PDF renders a personal-data download (any value that marshals to JSON, as the JSON download
// holds it) as a readable PDF: sections by heading, fields as "Label: value", lists numbered,
// times in WIB. Nothing is left out; empty values are shown as "-".
func PDF(title string, data any, now time.Time) ([]byte, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return nil, err
	}
	var tree any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	fonts, err := repository.New().
		AddUTF8FontFromBytes("go", fontstyle.Normal, goregular.TTF).
		AddUTF8FontFromBytes("go", fontstyle.Bold, gobold.TTF).Load()
	if err != nil {
		return nil, err
	}
	m := maroto.New(config.NewBuilder().WithCustomFonts(fonts).WithDefaultFont(&props.Font{Family: "go", Size: 9}).
		WithPageSize(pagesize.A4).WithLeftMargin(15).WithRightMargin(15).WithTopMargin(12).WithPageNumber().Build())
	m.AddRows(text.NewAutoRow(title, props.Text{Style: fontstyle.Bold, Size: 15, Bottom: 2}),
		text.NewAutoRow("Dibuat "+wib(now), props.Text{Size: 9, Bottom: 2}), line.NewRow(3))
	var rows []core.Row
	walk(&rows, "", tree, 0)
	m.AddRows(rows...)
	doc, err := m.Generate()
	if err != nil {
		return nil, err
	}
	return doc.GetBytes(), nil
}

func label(key string) string {
	if l, ok := Labels[key]; ok {
		return l
	}
	return strings.ReplaceAll(key, "_", " ")
}

func wib(t time.Time) string {
	return t.In(time.FixedZone("WIB", 7*3600)).Format("02-01-2006 15.04") + " WIB"
}

// scalar formats a leaf value; an RFC 3339 time is shown in WIB.
func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return "-"
	case bool:
		if x {
			return "ya"
		}
		return "tidak"
	case string:
		if x == "" {
			return "-"
		}
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil && len(x) >= 20 {
			return wib(t)
		}
		return x
	case json.Number:
		return x.String()
	}
	return fmt.Sprint(v)
}

func isScalar(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return false
	case []any:
		for _, e := range x {
			if !isScalar(e) {
				return false
			}
		}
		return true
	}
	return true
}

func walk(rows *[]core.Row, key string, v any, depth int) {
	indent := float64(depth) * 5
	switch x := v.(type) {
	case map[string]any:
		if key != "" {
			*rows = append(*rows, heading(label(key), depth, indent))
		}
		for _, k := range sortedScalarsFirst(x) { // scalars first, then sections
			walk(rows, k, x[k], depth+1)
		}
	case []any:
		if isScalar(x) {
			parts := make([]string, len(x))
			for i, e := range x {
				parts[i] = scalar(e)
			}
			val := strings.Join(parts, ", ")
			if len(x) == 0 {
				val = "(tidak ada)"
			}
			*rows = append(*rows, field(label(key), val, indent))
			return
		}
		*rows = append(*rows, heading(fmt.Sprintf("%s (%d)", label(key), len(x)), depth, indent))
		for i, e := range x {
			*rows = append(*rows, text.NewAutoRow(fmt.Sprintf("%s %d", label(key), i+1), props.Text{Style: fontstyle.Bold, Left: indent + 5, Top: 1.5}))
			if m, ok := e.(map[string]any); ok {
				for _, k := range sortedScalarsFirst(m) {
					walk(rows, k, m[k], depth+2)
				}
			} else {
				walk(rows, "", e, depth+2)
			}
		}
	default:
		*rows = append(*rows, field(label(key), scalar(v), indent))
	}
}

func sortedScalarsFirst(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	sort.SliceStable(keys, func(i, j int) bool { return isScalar(m[keys[i]]) && !isScalar(m[keys[j]]) })
	return keys
}

func heading(s string, depth int, indent float64) core.Row {
	size := 12.0 - float64(depth)
	if size < 9.5 {
		size = 9.5
	}
	return text.NewAutoRow(s, props.Text{Style: fontstyle.Bold, Size: size, Left: indent, Top: 3, Bottom: 1})
}

func field(k, v string, indent float64) core.Row {
	return text.NewAutoRow(k+": "+v, props.Text{Left: indent, Top: 0.5})
}
