DROP TABLE IF EXISTS help_contacts;
