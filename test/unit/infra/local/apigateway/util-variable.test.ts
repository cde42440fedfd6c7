import { describe, expect, it } from 'vitest';
import {
  base64Decode,
  base64Encode,
  escapeJavaScript,
  urlDecode,
  urlEncode,
} from '../../../../../infra/local/apigateway/util-variable.ts';

describe('$util', () => {
  it('escapeJavaScript escapes quotes (single too), backslash, slash and controls, and non-ASCII as \\uXXXX', () => {
    // Act
    const escaped = escapeJavaScript(`it's "a" \\ b/c\n\té😀`);

    // Assess
    expect(escaped).toBe(`it\\'s \\"a\\" \\\\ b\\/c\\n\\t\\u00E9\\uD83D\\uDE00`);
  });

  it("urlEncode encodes as Java URLEncoder does (space as +, !'()~ escaped)", () => {
    // Act
    const encoded = urlEncode("a b!'()~*é");

    // Assess
    expect(encoded).toBe('a+b%21%27%28%29%7E*%C3%A9');
    expect(urlDecode(encoded)).toBe("a b!'()~*é");
  });

  it('base64 round-trips UTF-8', () => {
    // Act
    const encoded = base64Encode('{"é":1}');

    // Assess
    expect(encoded).toBe(Buffer.from('{"é":1}').toString('base64'));
    expect(base64Decode(encoded)).toBe('{"é":1}');
  });
});
