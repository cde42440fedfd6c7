/** A token of AWS IoT SQL, with where it starts in the text (for error messages). */
export type Token =
  | { readonly kind: 'string'; readonly value: string; readonly quote: "'" | '"'; readonly at: number }
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly at: number }
  | { readonly kind: 'word'; readonly value: string; readonly at: number }
  | { readonly kind: 'punct'; readonly value: string; readonly at: number }
  | { readonly kind: 'end'; readonly at: number };

/** SQL text the lexer or parser cannot read: `at` is the offset of the offending character. */
export class SqlSyntaxError extends Error {
  override readonly name = 'SqlSyntaxError';
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

// Longest first, so `<=` is not read as `<` then `=`.
const PUNCTUATION = ['<>', '!=', '<=', '>=', '*', ',', '(', ')', '{', '}', '[', ']', ':', '.', '=', '<', '>'];
// Arithmetic and variables are read as tokens so the parser can name them when it refuses them.
const REFUSED_PUNCTUATION = ['+', '-', '/', '%', '$', '@', '|', '&', '^', '~', ';'];
const NUMBER = /^\d+(\.\d+)?([eE][+-]?\d+)?/;
const WORD = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Where the string literal opened at `start` by `quote` ends (index of the closing quote); no escapes, as IoT SQL. */
const closingQuote = (text: string, start: number, quote: string): number => {
  const end = text.indexOf(quote, start + 1);
  if (end < 0) throw new SqlSyntaxError(`string literal opened at ${start} is never closed`, start);
  return end;
};

/** Splits IoT SQL into tokens; the last one is always `end`. */
export const tokenize = (text: string): Token[] => {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at] as string;
    if (/\s/.test(char)) {
      at++;
      continue;
    }
    if (char === "'" || char === '"') {
      const end = closingQuote(text, at, char);
      tokens.push({ kind: 'string', value: text.slice(at + 1, end), quote: char, at });
      at = end + 1;
      continue;
    }
    const rest = text.slice(at, at + 64);
    const number = NUMBER.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]), text: number[0], at });
      at += number[0].length;
      continue;
    }
    const word = WORD.exec(rest);
    if (word) {
      tokens.push({ kind: 'word', value: word[0], at });
      at += word[0].length;
      continue;
    }
    const punct = [...PUNCTUATION, ...REFUSED_PUNCTUATION].find((p) => text.startsWith(p, at));
    if (!punct) throw new SqlSyntaxError(`unexpected character '${char}' at ${at}`, at);
    tokens.push({ kind: 'punct', value: punct, at });
    at += punct.length;
  }
  tokens.push({ kind: 'end', at: text.length });
  return tokens;
};

/**
 * Where the substitution template's expression starting at `start` (just after `${`) ends: the index of the `}`
 * that closes it, braces of object literals and braces inside string literals notwithstanding.
 */
export const templateExpressionEnd = (text: string, start: number): number => {
  let depth = 0;
  for (let at = start; at < text.length; at++) {
    const char = text[at];
    if (char === "'" || char === '"') at = closingQuote(text, at, char);
    else if (char === '{') depth++;
    else if (char === '}') {
      if (depth === 0) return at;
      depth--;
    }
  }
  throw new SqlSyntaxError(`substitution template opened at ${start - 2} is never closed with }`, start - 2);
};
