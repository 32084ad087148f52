// The parser's token limit (LIMIT_TOKENS): graphql-js stops parsing past it (Apollo Server's
// parseOptions.maxTokens), so a huge document costs no more than that many tokens of work.
// Its syntax error becomes the contract's OPERATION_LIMIT error here, with the tokens counted.
import { Lexer, Source, TokenKind, type GraphQLError } from 'graphql';
import type { LimitViolation } from './operation';

const TOKEN_LIMIT_MESSAGE = /Document contains more that? (\d+) tokens/;

/** Tokens in a document: the lexer alone, linear, stopping at a lexical error. */
export function countTokens(body: string): number {
  const lexer = new Lexer(new Source(body));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  } catch {
    // an invalid character further on: what was read so far
  }
  return count;
}

/** The violation behind a parse error, when the parser stopped at the token limit. */
export function tokenLimitViolation(error: unknown): LimitViolation | null {
  const parseError = error as Partial<GraphQLError> | undefined;
  const match = TOKEN_LIMIT_MESSAGE.exec(parseError?.message ?? '');
  if (!match) return null;
  return { limit: 'tokens', allowed: Number(match[1]), measured: countTokens(parseError?.source?.body ?? '') };
}
