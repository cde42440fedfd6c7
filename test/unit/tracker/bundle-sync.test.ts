import { describe, expect, it } from 'vitest';
import { bundleTracker, bundleTrackerSync } from '../../../tracker/bundle.ts';
import { trackerFolder } from '../../../tracker/hosting.ts';

describe('the synchronous tracker build (what the CDK stack deploys)', () => {
  it('is byte for byte the asynchronous one, so CloudFront and the local shop serve the same folder', async () => {
    const deployed = bundleTrackerSync();
    const served = await bundleTracker();

    expect(deployed).toEqual(served);
    expect(trackerFolder(deployed)).toBe(trackerFolder(served));
    expect(deployed.map((b) => b.fileName)).toEqual(['streamlake-tracker.mjs', 'streamlake-tracker.js']);
    expect(deployed.every((b) => b.text.length > 0)).toBe(true);
  });
});
