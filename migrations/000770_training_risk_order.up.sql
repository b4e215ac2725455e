-- The province page lists the CGPs at risk by kab/kota, name and id (issue 10): the names of the
-- first ones shown are read in that order from this index instead of sorting every CGP of the
-- province by name on each view (riskRowsSQL).
CREATE INDEX training_participants_risk_order_idx ON training_participants (cohort_id, province_code, regency_code, name, id);
