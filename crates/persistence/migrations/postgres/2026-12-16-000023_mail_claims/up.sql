-- A notification's e-mail is claimed for a while (`email_claimed_at`) before it is sent and
-- marked sent (`emailed_at`) only once the SMTP server took it: an instance that dies in
-- between leaves a claim that expires, and another instance sends the e-mail then.
ALTER TABLE notifications ADD COLUMN email_claimed_at TIMESTAMP;
