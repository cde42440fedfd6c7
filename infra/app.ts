import { createStreamlakeApp } from './streamlake-app.ts';

const { app } = createStreamlakeApp();
app.synth();
