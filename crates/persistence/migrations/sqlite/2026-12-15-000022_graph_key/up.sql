-- The partnership graph is laid out from the confirmed public partnerships of an area or
-- a sector: tens of thousands for a state at 100k organizations. Checking each against
-- this narrow key instead of the partnership's wide row halves the first layout's read.
-- The condition is written as the graph's statement writes it, so both backends match it.
CREATE INDEX partnerships_graph ON partnerships (id) WHERE public = TRUE AND stage = 'confirmed';
