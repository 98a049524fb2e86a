DROP TABLE meeting_participants;
DROP TABLE meeting_invitations;
DROP TABLE meeting_organizers;
DROP TABLE meetings;
