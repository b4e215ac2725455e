-- Every program number is configuration per cohort: how long a pembekalan seat may wait for its
-- confirmation, when score sheets are due (tahap 1 and tahap 2), and how long the appeal window
-- stays open after a publication. Defaults are the Guru Penggerak numbers that were constants.
ALTER TABLE cohorts
    ADD COLUMN confirm_days     int NOT NULL DEFAULT 7  CHECK (confirm_days BETWEEN 1 AND 60),
    ADD COLUMN sheet_due_days   int NOT NULL DEFAULT 14 CHECK (sheet_due_days BETWEEN 1 AND 90),
    ADD COLUMN tahap2_due_hours int NOT NULL DEFAULT 72 CHECK (tahap2_due_hours BETWEEN 1 AND 720),
    ADD COLUMN appeal_days      int NOT NULL DEFAULT 3  CHECK (appeal_days BETWEEN 1 AND 30);
