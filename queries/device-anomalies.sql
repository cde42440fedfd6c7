-- Device anomalies per hour: devices that, in an event hour (UTC), reported a temperature more than
-- three standard deviations from their OWN mean (computed over all the readings the query sees), or a
-- status of fault or degraded. One row per device and hour with at least one anomaly.
-- A device needs more than ten readings before three standard deviations can be exceeded at all.
-- Runs as written on Athena (database streamlake) and locally: npm run query -- --file queries/device-anomalies.sql
-- Narrow the baseline and the result with a partition predicate in the first WHERE, e.g. AND dt = '2026-11-22'.
WITH readings AS (
  SELECT dt, hour, device_id, temperature, status
  FROM telemetry
  WHERE schema = 'telemetry.reading'
),
baseline AS (
  SELECT device_id, avg(temperature) AS mean_temperature, stddev_samp(temperature) AS sd_temperature
  FROM readings
  GROUP BY device_id
),
flagged AS (
  SELECT r.dt, r.hour, r.device_id, r.temperature, b.mean_temperature, b.sd_temperature,
    CASE WHEN b.sd_temperature > 0 AND abs(r.temperature - b.mean_temperature) > 3 * b.sd_temperature
      THEN 1 ELSE 0 END AS temperature_outlier,
    CASE WHEN r.status IN ('fault', 'degraded') THEN 1 ELSE 0 END AS fault_or_degraded
  FROM readings r
  JOIN baseline b ON r.device_id = b.device_id
)
SELECT
  dt,
  hour,
  device_id,
  count(*) AS readings,
  sum(temperature_outlier) AS temperature_outliers,
  sum(fault_or_degraded) AS fault_or_degraded,
  round(min(temperature), 2) AS min_temperature,
  round(max(temperature), 2) AS max_temperature,
  round(max(mean_temperature), 2) AS device_mean_temperature,
  round(max(sd_temperature), 2) AS device_sd_temperature
FROM flagged
GROUP BY dt, hour, device_id
HAVING sum(temperature_outlier) + sum(fault_or_degraded) > 0
ORDER BY dt, hour, device_id;
