DROP TABLE job_marks;
DROP TABLE notifications;
DROP TABLE notification_queue;
