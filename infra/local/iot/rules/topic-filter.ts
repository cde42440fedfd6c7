/** A topic filter that breaks MQTT's wildcard rules (`a/b#`, `a/#/b`). */
export class InvalidTopicFilter extends Error {
  override readonly name = 'InvalidTopicFilter';
}

/**
 * Compiles a FROM clause's topic filter into a test of topic names. `+` matches exactly one level (an empty one
 * too); `#` matches one or more levels — AWS IoT's documented reading (`sensor/#` matches `sensor/` and
 * `sensor/a/b` but not `sensor`), stricter than MQTT 3.1.1, where `sensor/#` also matches `sensor`. A filter
 * starting with a wildcard does not match topics starting with `$` (reserved topics), as in MQTT.
 */
export const compileTopicFilter = (filter: string): ((topic: string) => boolean) => {
  if (filter === '') throw new InvalidTopicFilter('the topic filter is empty');
  const levels = filter.split('/');
  levels.forEach((level, i) => {
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) {
      throw new InvalidTopicFilter(
        `topic filter '${filter}': # must be a level of its own and the last one (as in 'a/#')`,
      );
    }
    if (level.includes('+') && level !== '+') {
      throw new InvalidTopicFilter(`topic filter '${filter}': + must be a level of its own (as in 'a/+/b')`);
    }
  });
  const multiLevel = levels[levels.length - 1] === '#';
  const fixed = multiLevel ? levels.slice(0, -1) : levels;
  const wildcardFirst = levels[0] === '+' || levels[0] === '#';
  if (!filter.includes('+') && !multiLevel) return (topic) => topic === filter;
  return (topic) => {
    if (wildcardFirst && topic.startsWith('$')) return false;
    const names = topic.split('/');
    if (multiLevel ? names.length <= fixed.length : names.length !== fixed.length) return false;
    return fixed.every((level, i) => level === '+' || level === names[i]);
  };
};
