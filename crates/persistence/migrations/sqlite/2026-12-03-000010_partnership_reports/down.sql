DROP TABLE partnership_graph_state;
DROP TABLE partnership_report_reviews;
DROP TABLE partnership_reports;
