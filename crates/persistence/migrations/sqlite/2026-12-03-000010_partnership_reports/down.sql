DROP INDEX partnership_areas_of;
DROP INDEX partnership_sectors_of;
DROP TABLE partnership_graph_state;
DROP TABLE partnership_report_reviews;
DROP TABLE partnership_reports;
