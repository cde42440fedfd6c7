/** A row group of an input file: its event-time range (row-group statistics) and compressed bytes. */
export interface EventTimePiece {
  readonly key: string;
  readonly rowGroup: number;
  /** Smallest and largest event_time in the row group, epoch ms (inclusive). */
  readonly minMs: number;
  readonly maxMs: number;
  readonly bytes: number;
}

/** One slice of a part: the event times [startMs, endMs) and the row groups whose range overlaps them. */
export interface EventTimeSlice {
  readonly startMs: number;
  readonly endMs: number;
  readonly pieces: EventTimePiece[];
  /** The bytes of the overlapping row groups, counted by the share of their range inside the slice. */
  readonly estimatedBytes: number;
}

export interface PartSlices {
  /** 1-based part number. */
  readonly part: number;
  readonly slices: EventTimeSlice[];
}

/**
 * The event time below which `fraction` of all bytes lie, taking each row group's bytes as spread evenly over
 * its range (a row group of one instant is a point). Rounded up to a whole millisecond.
 */
const quantileOf = (pieces: readonly EventTimePiece[], total: number, fraction: number): number => {
  const edges = [...new Set(pieces.flatMap((p) => [p.minMs, p.maxMs + 1]))].sort((a, b) => a - b);
  let below = 0;
  const wanted = fraction * total;
  for (let i = 0; i + 1 < edges.length; i++) {
    const from = edges[i] as number;
    const to = edges[i + 1] as number;
    const inside = pieces.reduce((sum, p) => sum + shareIn(p, from, to), 0);
    if (below + inside >= wanted && inside > 0)
      return Math.ceil(from + ((wanted - below) / inside) * (to - from));
    below += inside;
  }
  return (edges[edges.length - 1] as number) ?? 0;
};

/** The bytes of `piece` that lie in [from, to). */
const shareIn = (piece: EventTimePiece, from: number, to: number): number => {
  const overlap = Math.min(to, piece.maxMs + 1) - Math.max(from, piece.minMs);
  return overlap > 0 ? (piece.bytes * overlap) / (piece.maxMs + 1 - piece.minMs) : 0;
};

const sliceOf = (pieces: readonly EventTimePiece[], startMs: number, endMs: number): EventTimeSlice => {
  const inside = pieces.filter((p) => p.minMs < endMs && p.maxMs >= startMs);
  return {
    startMs,
    endMs,
    pieces: inside,
    estimatedBytes: inside.reduce((sum, p) => sum + shareIn(p, startMs, endMs), 0),
  };
};

/**
 * Cuts a partition's event times into `parts` parts of about equal bytes, and each part into slices of at
 * most `sliceBytes` (estimated; a single instant holding more is one slice), so a part is written slice by
 * slice with bounded memory. Every row belongs to exactly one slice: the first starts at -∞, the last ends at
 * +∞, and cuts are whole milliseconds (rows of one instant, such as a producer's duplicates, stay together).
 * Deterministic: the same row groups always give the same cuts, so a generation can be finished by a later run.
 */
export const planSlices = (
  given: readonly EventTimePiece[],
  parts: number,
  sliceBytes: number,
): PartSlices[] => {
  // In one order whatever the listing's, so sums (and cuts) come out the same to the last bit.
  const pieces = [...given].sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : a.rowGroup - b.rowGroup,
  );
  if (!Number.isInteger(parts) || parts < 1)
    throw new Error(`parts must be a whole number ≥ 1 (given ${parts})`);
  if (!(sliceBytes > 0)) throw new Error(`sliceBytes must be above 0 (given ${sliceBytes})`);
  const total = pieces.reduce((sum, p) => sum + p.bytes, 0);
  const partCuts = [Number.NEGATIVE_INFINITY];
  for (let k = 1; k < parts; k++) partCuts.push(quantileOf(pieces, total, k / parts));
  partCuts.push(Number.POSITIVE_INFINITY);
  const result: PartSlices[] = [];
  for (let k = 0; k < parts; k++) {
    const from = partCuts[k] as number;
    const to = partCuts[k + 1] as number;
    const whole = sliceOf(pieces, from, to);
    const count = Math.max(1, Math.ceil(whole.estimatedBytes / sliceBytes));
    const below = pieces.reduce((sum, p) => sum + shareIn(p, Number.NEGATIVE_INFINITY, from), 0);
    const cuts = [from];
    for (let j = 1; j < count; j++) {
      const cut = quantileOf(pieces, total, (below + (j * whole.estimatedBytes) / count) / total);
      if (cut > (cuts[cuts.length - 1] as number) && cut < to) cuts.push(cut);
    }
    cuts.push(to);
    const slices = cuts.slice(1).map((end, j) => sliceOf(pieces, cuts[j] as number, end));
    result.push({ part: k + 1, slices });
  }
  return result;
};
