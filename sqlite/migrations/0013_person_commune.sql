-- A shared phone's villager being helped now (/newperson), and the commune
-- a villager gave, which the volunteers' desk card shows.
ALTER TABLE sessions ADD COLUMN person TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN commune TEXT NOT NULL DEFAULT '';
ALTER TABLE desk_items ADD COLUMN commune TEXT NOT NULL DEFAULT '';
