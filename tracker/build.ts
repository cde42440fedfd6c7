import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleTracker, SIZE_BUDGET_BYTES } from './bundle.ts';

/** Writes the tracker's two builds to tracker/dist and fails when one is over the size budget. */
const main = async (): Promise<number> => {
  const dist = fileURLToPath(new URL('./dist/', import.meta.url));
  await mkdir(dist, { recursive: true });
  let over = 0;
  for (const file of await bundleTracker()) {
    await writeFile(join(dist, file.fileName), file.text);
    const fits = file.gzippedBytes <= SIZE_BUDGET_BYTES;
    if (!fits) over++;
    process.stdout.write(
      `${file.fileName}: ${file.minifiedBytes} bytes minified, ${file.gzippedBytes} bytes min+gzip` +
        `${fits ? '' : ` — over the ${SIZE_BUDGET_BYTES}-byte budget: make the tracker smaller`}\n`,
    );
  }
  return over === 0 ? 0 : 1;
};

process.exitCode = await main();
