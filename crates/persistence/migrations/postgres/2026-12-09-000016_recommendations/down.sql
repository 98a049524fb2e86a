DROP TABLE recommendation_updates;
DROP TABLE recommendation_parts;
DROP TABLE recommendation_areas;
DROP TABLE recommendation_sectors;
DROP TABLE recommendations;
