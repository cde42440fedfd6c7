-- Late-arriving data per partition: which dt/hour partitions received events after newer events had
-- already arrived on the same shard, and how late they were.
-- The lake keeps event_time only, not arrival time, so arrival order comes from the file names: the
-- archive writes one object per batch and partition, named <shardId>-<firstSequence>-<lastSequence>.parquet,
-- and sequence numbers grow with arrival. A file's "shard watermark" is the newest event time in the
-- shard's files that ended before it began (last sequence below its first). An event is late when it is
-- more than 10 minutes (600 s) older than that watermark: the shard had moved on when it arrived.
-- Change the 600 below to choose the threshold. Uses "$path" (a column of the views, on Athena as locally,
-- naming each row's file). Runs as written on Athena and locally: npm run query -- --file queries/late-arriving-data.sql
WITH events AS (
  SELECT 'clickstream' AS dataset, dt, hour, event_time, "$path" AS path FROM clickstream
  UNION ALL
  SELECT 'telemetry' AS dataset, dt, hour, event_time, "$path" AS path FROM telemetry
),
files AS (
  SELECT
    path,
    regexp_extract(path, '(shardId-[0-9]+)-[0-9]+-[0-9]+\.parquet', 1) AS shard_id,
    lpad(regexp_extract(path, 'shardId-[0-9]+-([0-9]+)-[0-9]+\.parquet', 1), 64, '0') AS first_sequence,
    lpad(regexp_extract(path, 'shardId-[0-9]+-[0-9]+-([0-9]+)\.parquet', 1), 64, '0') AS last_sequence,
    max(event_time) AS newest_event
  FROM events
  GROUP BY path
),
watermarks AS (
  SELECT f.path, max(earlier.newest_event) AS shard_watermark
  FROM files f
  LEFT JOIN files earlier
    ON earlier.shard_id = f.shard_id AND earlier.last_sequence < f.first_sequence
  GROUP BY f.path
)
SELECT
  e.dataset,
  e.dt,
  e.hour,
  count(*) AS events,
  count(DISTINCT e.path) AS files,
  min(e.event_time) AS oldest_event,
  max(e.event_time) AS newest_event,
  sum(CASE WHEN date_diff('second', e.event_time, w.shard_watermark) > 600 THEN 1 ELSE 0 END) AS late_events,
  round(coalesce(max(date_diff('second', e.event_time, w.shard_watermark)), 0) / 60.0, 1) AS max_lateness_minutes
FROM events e
JOIN watermarks w ON e.path = w.path
GROUP BY e.dataset, e.dt, e.hour
ORDER BY late_events DESC, e.dataset, e.dt, e.hour;
