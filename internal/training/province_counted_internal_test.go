package training

// The province page's statements as they were before the kept counts (migration 000711): they
// count the visit, module, attendance and member rows on every view. They are the oracle of
// TestKeptCountsMatchCounted and the baseline of BenchmarkProvinceStatements3k.

const countedSummarySQL = `WITH st AS (SELECT * FROM training_settings WHERE cohort_id = $1),
	rs AS (SELECT rg.code, rg.name FROM regencies rg WHERE rg.province_code = $2 AND ($3::bool OR rg.province_code = ANY($4::text[]) OR rg.code = ANY($5::text[]))),
	p AS (SELECT p.id, p.regency_code, m.group_id, g.status AS group_status FROM training_participants p
		JOIN rs ON rs.code = p.regency_code
		LEFT JOIN training_group_members m ON m.participant_id = p.id LEFT JOIN training_groups g ON g.id = m.group_id
		WHERE p.cohort_id = $1 AND p.province_code = $2 AND p.status = 'aktif'),
	pc AS (SELECT regency_code, count(*) AS cgps, count(group_id) AS placed FROM p GROUP BY regency_code),
	gc AS (SELECT regency_code, count(*) AS groups FROM training_groups WHERE cohort_id = $1 AND province_code = $2 GROUP BY regency_code),
	mc AS (SELECT regency_code, count(*) AS pps FROM training_mentors WHERE cohort_id = $1 AND province_code = $2 AND role = 'pengajar_praktik' AND ended_at IS NULL
		GROUP BY regency_code),
	vs AS (SELECT p.regency_code, count(v.submitted_at) AS sent, count(v.acknowledged_at) AS acked,
			count(*) FILTER (WHERE v.submitted_at IS NOT NULL AND v.acknowledged_at IS NULL AND v.submitted_at < $6::timestamptz - make_interval(days => st.ack_days)) AS overdue,
			count(v.planned_on) AS scheduled,
			count(*) FILTER (WHERE v.submitted_at IS NULL AND v.planned_on < $6::timestamptz::date) AS missing,
			count(*) FILTER (WHERE v.submitted_at IS NOT NULL AND v.visited_on > v.planned_on) AS late
		FROM p JOIN training_visits v ON v.participant_id = p.id CROSS JOIN st GROUP BY p.regency_code),
	lhl AS (SELECT l.id, l.regency_code, EXISTS (SELECT 1 FROM training_lokakarya_groups lg WHERE lg.lokakarya_id = l.id) AS chosen
		FROM training_lokakarya l WHERE l.cohort_id = $1 AND l.province_code = $2 AND l.starts_at <= $6),
	lh AS (SELECT regency_code, count(*) AS held FROM lhl GROUP BY regency_code),
	pgc AS (SELECT group_id, regency_code, count(*) AS n FROM p WHERE group_status = 'aktif' GROUP BY group_id, regency_code),
	att AS (SELECT l.regency_code, sum(CASE WHEN l.chosen THEN (SELECT coalesce(sum(pgc.n), 0) FROM training_lokakarya_groups lg JOIN pgc ON pgc.group_id = lg.group_id
				WHERE lg.lokakarya_id = l.id)
			ELSE (SELECT coalesce(sum(pgc.n), 0) FROM pgc WHERE pgc.regency_code = l.regency_code) END) AS expected
		FROM lhl l GROUP BY l.regency_code),
	pres AS (SELECT p.regency_code, count(*) AS present FROM training_attendance a JOIN lhl l ON l.id = a.lokakarya_id JOIN p ON p.id = a.participant_id
		WHERE a.status = 'hadir' AND p.group_status = 'aktif'
			AND (NOT l.chosen OR EXISTS (SELECT 1 FROM training_lokakarya_groups lg WHERE lg.lokakarya_id = l.id AND lg.group_id = p.group_id))
		GROUP BY p.regency_code),
	md AS (SELECT p.regency_code, count(*) AS done FROM p JOIN training_module_progress x ON x.participant_id = p.id CROSS JOIN st
		WHERE x.module <= st.modules GROUP BY p.regency_code)
	SELECT rs.code AS regency_code, rs.name AS regency_name, coalesce(pc.cgps, 0)::int AS cgps, coalesce(pc.placed, 0)::int AS placed,
		coalesce(gc.groups, 0)::int AS groups, coalesce(mc.pps, 0)::int AS pps,
		coalesce(vs.sent, 0)::int AS visits_sent, coalesce(vs.acked, 0)::int AS visits_acked, coalesce(vs.overdue, 0)::int AS visits_overdue,
		(coalesce(pc.cgps, 0) * st.visits_planned)::int AS visits_planned, coalesce(vs.scheduled, 0)::int AS visits_scheduled,
		coalesce(vs.missing, 0)::int AS visits_missing, coalesce(vs.late, 0)::int AS visits_late,
		coalesce(lh.held, 0)::int AS lokakarya_held, coalesce(att.expected, 0)::int AS attendance_expected, coalesce(pres.present, 0)::int AS attendance_present,
		coalesce(md.done, 0)::int AS modules_done, (coalesce(pc.cgps, 0) * st.modules)::int AS modules_total
	FROM rs CROSS JOIN st
	LEFT JOIN pc ON pc.regency_code = rs.code LEFT JOIN gc ON gc.regency_code = rs.code LEFT JOIN mc ON mc.regency_code = rs.code
	LEFT JOIN vs ON vs.regency_code = rs.code LEFT JOIN lh ON lh.regency_code = rs.code LEFT JOIN att ON att.regency_code = rs.code
	LEFT JOIN pres ON pres.regency_code = rs.code
	LEFT JOIN md ON md.regency_code = rs.code
	WHERE EXISTS (SELECT 1 FROM training_participants x WHERE x.cohort_id = $1 AND x.regency_code = rs.code)
		OR EXISTS (SELECT 1 FROM training_mentors t WHERE t.cohort_id = $1 AND t.regency_code = rs.code AND t.ended_at IS NULL)
	ORDER BY rs.code`

const countedRiskSQL = `WITH st AS (SELECT * FROM training_settings WHERE cohort_id = $1),
	p AS (SELECT p.id, p.name, p.npsn, p.regency_code, m.group_id FROM training_participants p
		LEFT JOIN training_group_members m ON m.participant_id = p.id
		WHERE p.cohort_id = $1 AND p.province_code = $2 AND p.status = 'aktif' AND p.outcome IS NULL AND ($7 = '' OR p.regency_code = $7)
			AND ($3::bool OR p.province_code = ANY($4::text[]) OR p.regency_code = ANY($5::text[]))),
	lhl AS (SELECT l.id, l.regency_code, EXISTS (SELECT 1 FROM training_lokakarya_groups lg WHERE lg.lokakarya_id = l.id) AS chosen
		FROM training_lokakarya l WHERE l.cohort_id = $1 AND l.province_code = $2 AND l.starts_at <= $6),
	held AS (SELECT p.id, count(*) AS held FROM p JOIN lhl l ON l.regency_code = p.regency_code
			AND (NOT l.chosen OR EXISTS (SELECT 1 FROM training_lokakarya_groups lg WHERE lg.lokakarya_id = l.id AND lg.group_id = p.group_id))
		GROUP BY p.id),
	att AS (SELECT p.id, count(*) AS attended FROM training_attendance a JOIN lhl l ON l.id = a.lokakarya_id JOIN p ON p.id = a.participant_id
		WHERE a.status = 'hadir' AND (NOT l.chosen OR EXISTS (SELECT 1 FROM training_lokakarya_groups lg WHERE lg.lokakarya_id = l.id AND lg.group_id = p.group_id))
		GROUP BY p.id),
	vis AS (SELECT v.participant_id AS id, count(v.acknowledged_at) AS acked,
			count(*) FILTER (WHERE v.planned_on + st.ack_days < $6::timestamptz::date) AS due
		FROM p JOIN training_visits v ON v.participant_id = p.id CROSS JOIN st GROUP BY v.participant_id),
	md AS (SELECT x.participant_id AS id, count(*) AS done FROM p JOIN training_module_progress x ON x.participant_id = p.id GROUP BY x.participant_id),
	asm AS (SELECT x.participant_id AS id, max(x.score) FILTER (WHERE x.by_role = 'pengajar_praktik') AS pp,
			max(x.score) FILTER (WHERE x.by_role = 'fasilitator') AS fas
		FROM p JOIN training_assessments x ON x.participant_id = p.id GROUP BY x.participant_id),
	fin AS (SELECT l.regency_code FROM training_lokakarya l CROSS JOIN st
		WHERE l.cohort_id = $1 AND l.province_code = $2 AND l.number = st.lokakarya_count - 1 AND l.starts_at <= $6)
	SELECT p.id AS participant_id, p.name, rg.name AS regency_name, sc.name AS school_name, g.number AS group_number,
		coalesce(held.held, 0)::int AS lokakarya_held, coalesce(att.attended, 0)::int AS attended,
		coalesce(vis.acked, 0)::int AS visits_acknowledged, coalesce(md.done, 0)::int AS modules_done, asm.pp AS pp_score, asm.fas AS fas_score,
		coalesce(vis.due, 0)::int AS visits_due, EXISTS (SELECT 1 FROM fin WHERE fin.regency_code = p.regency_code) AS ended
	FROM p JOIN regencies rg ON rg.code = p.regency_code JOIN schools sc ON sc.npsn = p.npsn
	LEFT JOIN training_groups g ON g.id = p.group_id
	LEFT JOIN held ON held.id = p.id LEFT JOIN att ON att.id = p.id LEFT JOIN vis ON vis.id = p.id LEFT JOIN md ON md.id = p.id LEFT JOIN asm ON asm.id = p.id
	ORDER BY p.regency_code, p.name, p.id`

const countedLokakaryaSelect = `SELECT l.id, l.cohort_id, c.name AS cohort_name, l.regency_code, rg.name AS regency_name, l.number, l.starts_at, l.place,
	pr.timezone, l.number = st.lokakarya_count - 1 AS last,
	(SELECT count(*) FROM training_participants p JOIN training_group_members m ON m.participant_id = p.id
		JOIN training_groups g ON g.id = m.group_id
		WHERE g.cohort_id = l.cohort_id AND g.regency_code = l.regency_code AND g.status = 'aktif' AND p.status = 'aktif' AND ` + lkGroup + `)::int AS expected,
	(SELECT count(*) FROM training_attendance a WHERE a.lokakarya_id = l.id)::int AS recorded,
	(SELECT count(*) FROM training_attendance a WHERE a.lokakarya_id = l.id AND a.status = 'hadir')::int AS present,
	array(SELECT g.number FROM training_lokakarya_groups lg JOIN training_groups g ON g.id = lg.group_id WHERE lg.lokakarya_id = l.id ORDER BY g.number)::int[] AS group_numbers,
	array(SELECT lg.group_id FROM training_lokakarya_groups lg WHERE lg.lokakarya_id = l.id ORDER BY lg.group_id)::bigint[] AS group_ids`

const countedLokakaryaFrom = ` FROM training_lokakarya l JOIN cohorts c ON c.id = l.cohort_id
	JOIN training_settings st ON st.cohort_id = l.cohort_id
	JOIN regencies rg ON rg.code = l.regency_code JOIN provinces pr ON pr.code = l.province_code`
