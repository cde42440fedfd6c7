import type { Lake } from '../../../commands/lake/lake-views.ts';
import { sqlString } from '../../../commands/lake/lake-views.ts';
import { runMarkers } from '../markers.ts';

/** The run's marked rows in the lake: eventId → how many rows hold it. */
export const markedLakeRows = async (
  lake: Lake,
  runId: string,
  days?: readonly string[],
): Promise<Map<string, number>> => {
  const { page, id } = runMarkers(runId);
  const inDays = days ? `dt IN (${days.map(sqlString).join(', ')}) AND ` : '';
  const rows = await lake.rows(
    `SELECT event_id, count(*) AS n FROM clickstream WHERE ${inDays}(starts_with(page, ${sqlString(page)}) ` +
      `OR starts_with(session_id, ${sqlString(id)})) GROUP BY event_id ` +
      `UNION ALL SELECT event_id, count(*) AS n FROM telemetry WHERE ${inDays}starts_with(device_id, ${sqlString(id)}) GROUP BY event_id`,
  );
  const counts = new Map<string, number>();
  for (const row of rows) {
    const eventId = String(row.event_id);
    counts.set(eventId, (counts.get(eventId) ?? 0) + Number(row.n));
  }
  return counts;
};
