-- The board's overdue and stale lists walk the open recommendations by due date and by last
-- activity from the start (most overdue, longest silent first), stopping at the page's end,
-- instead of gathering every match and sorting it. The statements say the same condition.
CREATE INDEX recommendations_open_due ON recommendations (due_on, id) WHERE status IN ('adopted', 'in_progress');
CREATE INDEX recommendations_open_activity ON recommendations (last_activity_at, id) WHERE status IN ('adopted', 'in_progress');
DROP INDEX recommendations_activity;
-- Rewriting a recommendation's terms (an edit, each imported row) deletes its sector and
-- area links by recommendation: without these, each delete read the whole link table.
CREATE INDEX recommendation_sectors_of ON recommendation_sectors (recommendation_id);
CREATE INDEX recommendation_areas_of ON recommendation_areas (recommendation_id);
