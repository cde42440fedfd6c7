import type { QueryResult } from '../lake/lake-views.ts';

export const OUTPUT_FORMATS = ['table', 'csv', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const text = (value: unknown): string =>
  value === null || value === undefined
    ? ''
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

const isNumeric = (value: unknown) => typeof value === 'number';

/** Columns padded to their widest value, numbers right-aligned, and a row count like a SQL shell. */
export const formatTable = ({ columns, rows }: QueryResult): string => {
  const cells = rows.map((row) => row.map((value) => (value === null ? 'NULL' : text(value))));
  // A loop, not Math.max(...cells): spreading 200,000 rows as arguments overflows the stack.
  const widths = columns.map((name) => name.length);
  for (const row of cells) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  // Judged once per column, not per cell (per cell, 200,000 rows took minutes).
  const numeric = columns.map(
    (_, i) => rows.length > 0 && rows.every((row) => row[i] === null || isNumeric(row[i])),
  );
  const numericColumn = (i: number) => numeric[i] === true;
  const line = (values: string[], right: (i: number) => boolean) =>
    values.map((v, i) => (right(i) ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join(' │ ');
  const out = [
    line(columns, numericColumn),
    widths.map((w) => '─'.repeat(w)).join('─┼─'),
    ...cells.map((row) => line(row, numericColumn)),
    `(${rows.length} row${rows.length === 1 ? '' : 's'})`,
  ];
  return out.map((l) => l.trimEnd()).join('\n');
};

const csvField = (value: unknown): string => {
  const s = text(value);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** RFC 4180: a header line, then one line per row; NULL is an empty field. */
export const formatCsv = ({ columns, rows }: QueryResult): string =>
  [columns, ...rows].map((row) => row.map(csvField).join(',')).join('\n');

/** One JSON array of row objects. */
export const formatJson = ({ columns, rows }: QueryResult): string =>
  JSON.stringify(
    rows.map((row) => Object.fromEntries(columns.map((name, i) => [name, row[i] ?? null]))),
    null,
    2,
  );

export const formatResult = (result: QueryResult, format: OutputFormat): string =>
  format === 'csv' ? formatCsv(result) : format === 'json' ? formatJson(result) : formatTable(result);
