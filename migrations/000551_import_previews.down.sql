DROP TABLE IF EXISTS import_previews;
