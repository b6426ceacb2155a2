/**
 * The CQL2 text encoding's tokens (cql2-text-parser.ts): identifiers, double-quoted identifiers, single-quoted
 * strings, numbers, comparison operators, parentheses and commas, each with its 1-based character position; an
 * unexpected character is a 400 naming its position.
 */
import { filterError } from './cql2-ast.js';

export type TokenType = 'ident' | 'quoted' | 'string' | 'number' | 'op' | '(' | ')' | ',' | 'eof';
export interface Token {
  type: TokenType;
  text: string;
  at: number;
}

const OPERATORS = ['<=', '>=', '<>', '=', '<', '>'];

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    const at = i + 1;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: c, text: c, at });
      i += 1;
      continue;
    }
    const op = OPERATORS.find((o) => input.startsWith(o, i));
    if (op) {
      tokens.push({ type: 'op', text: op, at });
      i += op.length;
      continue;
    }
    if (c === "'") {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= input.length) throw filterError(at, "a string that is never closed (missing ')");
        if (input[i] === "'") {
          if (input[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += input[i];
        i += 1;
      }
      tokens.push({ type: 'string', text: value, at });
      continue;
    }
    if (c === '"') {
      const end = input.indexOf('"', i + 1);
      if (end < 0) throw filterError(at, 'a quoted property name that is never closed (missing ")');
      tokens.push({ type: 'quoted', text: input.slice(i + 1, end), at });
      i = end + 1;
      continue;
    }
    const number = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(input.slice(i));
    if (number && (c !== '-' && c !== '+' ? true : /[\d.]/.test(input[i + 1] ?? ''))) {
      tokens.push({ type: 'number', text: number[0], at });
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_.:]*/.exec(input.slice(i));
    if (ident) {
      tokens.push({ type: 'ident', text: ident[0], at });
      i += ident[0].length;
      continue;
    }
    throw filterError(at, `unexpected character "${c}"`);
  }
  tokens.push({ type: 'eof', text: '', at: input.length + 1 });
  return tokens;
}
