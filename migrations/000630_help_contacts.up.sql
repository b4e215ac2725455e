-- Contacts on the applicants' help page (Bantuan): one row for the national program admin
-- (province_code NULL) and at most one per province for its BGP. Edited in the app by the
-- national admin (any row) and by a BGP admin (their own province), so a changed phone number
-- needs no redeploy; every change is in the audit log.
CREATE TABLE help_contacts (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_code text REFERENCES provinces (code),
    unit_name     text NOT NULL CHECK (length(unit_name) BETWEEN 2 AND 200),
    email         text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    phone         text NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
    address       text NOT NULL DEFAULT '' CHECK (length(address) <= 500),
    hours         text NOT NULL DEFAULT '' CHECK (length(hours) <= 200),
    updated_by    bigint REFERENCES users (id),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (email <> '' OR phone <> '')
);
CREATE UNIQUE INDEX help_contacts_scope_idx ON help_contacts ((coalesce(province_code, '')));
