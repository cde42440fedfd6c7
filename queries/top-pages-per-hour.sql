-- Top pages per hour: the five most viewed pages of each event hour (UTC), with their views and the
-- distinct sessions that viewed them. Ties rank by page name so the result is stable.
-- Runs as written on Athena (database streamlake) and locally: npm run query -- --file queries/top-pages-per-hour.sql
-- Narrow it with a partition predicate in the first WHERE, e.g. AND dt = '2026-11-22' AND hour BETWEEN 9 AND 17.
WITH views AS (
  SELECT dt, hour, page, count(*) AS views, count(DISTINCT session_id) AS sessions
  FROM clickstream
  WHERE schema = 'clickstream.page_view'
  GROUP BY dt, hour, page
),
ranked AS (
  SELECT dt, hour, page, views, sessions,
    row_number() OVER (PARTITION BY dt, hour ORDER BY views DESC, page) AS page_rank
  FROM views
)
SELECT dt, hour, page_rank, page, views, sessions
FROM ranked
WHERE page_rank <= 5
ORDER BY dt, hour, page_rank;
