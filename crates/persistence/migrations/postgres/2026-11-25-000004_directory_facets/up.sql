-- Directory filters read from the sort index itself. `facets` lists an organization's
-- sectors, areas (each with all its ancestors), needs and offers as `|s:health|a:SD|a:SD-RN|n:funding|`
-- ('*' when the list is too long to index; filters then probe the link tables). A
-- filtered page is an index-only walk of (sort_name, id, …) INCLUDE (facets) in order,
-- instead of a heap fetch and three link-table probes per entry.
ALTER TABLE organizations ADD COLUMN facets TEXT NOT NULL DEFAULT '|';
UPDATE organizations o SET facets = (
    SELECT CASE WHEN t IS NULL THEN '|' WHEN octet_length(t) > 1500 THEN '*' ELSE '|' || t || '|' END
    FROM (
        SELECT string_agg(tok, '|' ORDER BY tok COLLATE "C") AS t FROM (
            SELECT 's:' || j.v AS tok FROM json_array_elements_text(o.sector_codes::json) AS j(v)
            UNION
            SELECT 'a:' || anc.id FROM json_array_elements_text(o.area_ids::json) AS j(v)
                JOIN areas a ON a.id = j.v
                JOIN areas anc ON strpos(a.path, '/' || anc.id || '/') > 0
            UNION
            SELECT substr(r.direction, 1, 1) || ':' || r.kind FROM organization_resources r
                WHERE r.organization_id = o.id
        ) toks
    ) agg
);
DROP INDEX organizations_sort;
CREATE INDEX organizations_sort ON organizations (sort_name, id, verification_status, kind, archived_at) INCLUDE (facets);
