ALTER TABLE meeting_invitations DROP COLUMN version;
DROP TABLE calendar_tokens;
DROP TABLE network_coordinators;
