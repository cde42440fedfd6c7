-- Purchase funnel: of the sessions seen, how many viewed a product page, then added to cart, then
-- purchased — each step counting only sessions that also did every earlier step — with the conversion
-- from the previous step and from the first. One row per step.
-- Runs as written on Athena (database streamlake) and locally: npm run query -- --file queries/purchase-funnel.sql
-- Narrow it to days with a partition predicate, e.g. WHERE dt BETWEEN '2026-11-01' AND '2026-11-07'.
WITH per_session AS (
  SELECT
    session_id,
    max(CASE WHEN schema = 'clickstream.page_view' AND page LIKE '/product/%' THEN 1 ELSE 0 END) AS viewed_product,
    max(CASE WHEN schema = 'clickstream.add_to_cart' THEN 1 ELSE 0 END) AS added_to_cart,
    max(CASE WHEN schema = 'clickstream.purchase' THEN 1 ELSE 0 END) AS purchased
  FROM clickstream
  GROUP BY session_id
),
steps AS (
  SELECT 1 AS step, 'sessions' AS name, count(*) AS sessions FROM per_session
  UNION ALL
  SELECT 2, 'viewed a product', sum(viewed_product) FROM per_session
  UNION ALL
  SELECT 3, 'added to cart', sum(viewed_product * added_to_cart) FROM per_session
  UNION ALL
  SELECT 4, 'purchased', sum(viewed_product * added_to_cart * purchased) FROM per_session
)
SELECT
  step,
  name,
  sessions,
  round(100.0 * sessions / nullif(lag(sessions) OVER (ORDER BY step), 0), 1) AS pct_of_previous_step,
  round(100.0 * sessions / nullif(first_value(sessions) OVER (ORDER BY step), 0), 1) AS pct_of_sessions
FROM steps
ORDER BY step;
