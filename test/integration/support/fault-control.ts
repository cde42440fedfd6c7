import type { LocalCloud } from '../../../infra/local/local-cloud.ts';

/** A call to the cloud's fault-injection control, as `npm run chaos` makes it; a refusal throws with its answer. */
export const control = async (cloud: LocalCloud, method: string, path: string, body?: unknown) => {
  const response = await fetch(new URL(path, cloud.faults?.control), {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as unknown;
};
