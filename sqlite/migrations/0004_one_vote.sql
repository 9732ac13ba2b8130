-- One vote per voter and procedure: a voter's second press replaces the
-- first. The voter is an opaque key, never a user id; older rows have none.
ALTER TABLE feedback ADD COLUMN voter TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX feedback_vote ON feedback (voter, procedure) WHERE voter != '';
