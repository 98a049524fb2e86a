DROP TABLE partnership_areas;
DROP TABLE partnership_sectors;
DROP TABLE partnership_parties;
DROP TABLE partnerships;
