-- What a volunteer answered (redacted), so editors can turn it into content.
ALTER TABLE desk_items ADD COLUMN answer TEXT NOT NULL DEFAULT '';
