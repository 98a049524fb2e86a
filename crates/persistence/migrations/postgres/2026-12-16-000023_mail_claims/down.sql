ALTER TABLE notifications DROP COLUMN email_claimed_at;
