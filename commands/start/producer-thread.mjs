// The producers' thread (threaded-producers.ts): its TypeScript loaded through tsx, as npm start loads the rest.
import { tsImport } from 'tsx/esm/api';

await tsImport('./producer-thread.ts', import.meta.url);
