import type { TObject } from '@sinclair/typebox';
import { AddToCartV1, ClickV1, ClientErrorV1, PageViewV1, PageViewV2, PurchaseV1 } from './clickstream.ts';
import type { Dataset } from './envelope.ts';
import { ReadingV1, StatusChangeV1 } from './telemetry.ts';

/** Every contract the pipeline accepts. A new event type or version is one line here. */
export const CONTRACTS: readonly TObject[] = [
  PageViewV1,
  PageViewV2,
  ClickV1,
  AddToCartV1,
  PurchaseV1,
  ClientErrorV1,
  ReadingV1,
  StatusChangeV1,
];

/** `clickstream.page_view` → `clickstream`. */
export const datasetOf = (schema: string): Dataset => schema.slice(0, schema.indexOf('.')) as Dataset;

export const contractKey = (schema: string, version: number) => `${schema}/v${version}`;
