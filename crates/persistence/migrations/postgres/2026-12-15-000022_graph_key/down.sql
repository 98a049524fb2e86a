DROP INDEX partnerships_graph;
