-- Directory filters read from the sort index itself. `facets` lists an organization's
-- sectors, areas (each with all its ancestors), needs and offers as `|s:health|a:SD|a:SD-RN|n:funding|`
-- ('*' when the list is too long to index; filters then probe the link tables). A
-- filtered page walks the (sort_name, id, …, facets) index in order and checks each entry
-- without touching the table, instead of probing three link tables per entry.
ALTER TABLE organizations ADD COLUMN facets TEXT NOT NULL DEFAULT '|';
UPDATE organizations SET facets = (
    SELECT CASE WHEN t IS NULL THEN '|' WHEN length(t) > 1500 THEN '*' ELSE '|' || t || '|' END
    FROM (
        SELECT group_concat(tok, '|' ORDER BY tok) AS t FROM (
            SELECT 's:' || j.value AS tok FROM json_each(organizations.sector_codes) j
            UNION
            SELECT 'a:' || anc.id FROM json_each(organizations.area_ids) j
                JOIN areas a ON a.id = j.value
                JOIN areas anc ON instr(a.path, '/' || anc.id || '/') > 0
            UNION
            SELECT substr(r.direction, 1, 1) || ':' || r.kind FROM organization_resources r
                WHERE r.organization_id = organizations.id
        )
    )
);
DROP INDEX organizations_sort;
CREATE INDEX organizations_sort ON organizations (sort_name, id, verification_status, kind, archived_at, facets);
