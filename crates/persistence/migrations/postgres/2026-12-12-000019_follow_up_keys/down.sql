DROP INDEX recommendation_areas_of;
DROP INDEX recommendation_sectors_of;
CREATE INDEX recommendations_activity ON recommendations (status, last_activity_at);
DROP INDEX recommendations_open_activity;
DROP INDEX recommendations_open_due;
