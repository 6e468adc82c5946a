-- severity: critical
-- explain: no duplicate userrankhistory per (member, rank, period); at most one bono_alcance per member and rank
SELECT 'userrankhistory' AS source, h.member_id, h.rank_id::text AS rank, h.period_id,
       count(*) AS rows, string_agg(h.id::text, ',' ORDER BY h.id) AS ids
FROM userrankhistory h
WHERE h.member_id BETWEEN $1 AND $2
GROUP BY h.member_id, h.rank_id, h.period_id
HAVING count(*) > 1
UNION ALL
-- the code identifies a rank bonus by the rank name inside commissions.notes
SELECT 'bono_alcance', m.member_id, m.rank_name, NULL, count(*),
       string_agg(m.id::text, ',' ORDER BY m.id)
FROM (
    SELECT DISTINCT ON (c.id) c.id, c.member_id, r.name::text AS rank_name
    FROM commissions c
    JOIN ranks r ON position(r.name IN coalesce(c.notes, '')) > 0
    WHERE c.bonus_type = 'bono_alcance' AND c.status <> 'cancelled'
      AND c.member_id BETWEEN $1 AND $2
    ORDER BY c.id, length(r.name) DESC
) m
GROUP BY m.member_id, m.rank_name
HAVING count(*) > 1
ORDER BY 1, 2
