/** `2026-11-22` for each UTC day from `fromMs` to `toMs`. */
export const utcDays = (fromMs: number, toMs: number): string[] => {
  const days: string[] = [];
  for (let at = Math.floor(fromMs / 86_400_000) * 86_400_000; at <= toMs; at += 86_400_000) {
    days.push(new Date(at).toISOString().slice(0, 10));
  }
  return days;
};
