DELETE FROM areas WHERE level = 'locality';
DELETE FROM areas WHERE level = 'state';
DELETE FROM areas;
DELETE FROM sectors;
