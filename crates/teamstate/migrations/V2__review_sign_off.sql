-- The reviewer's sign-off ({"at": ..., "by": ...}), kept beside the corrections so the team's
-- report shows who declared a handoff ready for the AE, and when; NULL while it is a draft.
ALTER TABLE handoffs ADD COLUMN sign_off jsonb;
