-- Progress on the online modules (they live in an external LMS): one row per completed module of
-- a CGP, recorded by the fasilitator of the CGP's class or imported from the LMS's export.
CREATE TABLE training_module_progress (
    participant_id bigint NOT NULL REFERENCES training_participants (id),
    module         int    NOT NULL CHECK (module BETWEEN 1 AND 100),
    completed_at   timestamptz NOT NULL DEFAULT now(),
    recorded_by    bigint REFERENCES users (id),
    source         text   NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'impor')),
    PRIMARY KEY (participant_id, module)
);
