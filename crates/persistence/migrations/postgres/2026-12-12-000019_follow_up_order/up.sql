-- The board's overdue and stale lists walk the open recommendations by due date and by last
-- activity from the start (most overdue, longest silent first), stopping at the page's end,
-- instead of gathering every match and sorting it. The statements say the same condition.
CREATE INDEX recommendations_open_due ON recommendations (due_on, id) WHERE status IN ('adopted', 'in_progress');
CREATE INDEX recommendations_open_activity ON recommendations (last_activity_at, id) WHERE status IN ('adopted', 'in_progress');
DROP INDEX recommendations_activity;
