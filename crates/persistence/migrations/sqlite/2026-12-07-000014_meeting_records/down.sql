DROP TABLE meeting_span;
DROP TABLE office_terms;
DROP TABLE decisions;
DROP TABLE minutes_reviews;
DROP TABLE minutes;
DROP TABLE working_papers;
DROP TABLE agenda_items;
ALTER TABLE meetings DROP COLUMN agenda_version;
