// The request body of /graphql: at most GRAPHQL_BODY_LIMIT_BYTES (2 MB) from a client, answered
// 413 with one OPERATION_LIMIT error beyond; the gateway's own calls to itself (the REST lab
// upload's mutation, whose hop header the identity middleware verified) may carry up to
// JSON_BODY_LIMIT_BYTES. A body that is not JSON gets a GraphQL-shaped 400, not an HTML page.
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { DEFAULT_GRAPHQL_BODY_LIMIT_BYTES, DEFAULT_JSON_BODY_LIMIT_BYTES } from '../../shared/config';
import { ErrorCode } from '../../shared/graphql/errors';
import { isGatewayHop } from '../trust/request-identity';

export interface GraphqlBodyOptions {
  /** A client's largest body (GRAPHQL_BODY_LIMIT_BYTES); default DEFAULT_GRAPHQL_BODY_LIMIT_BYTES. */
  maxBytes?: number;
  /** The gateway's own calls (JSON_BODY_LIMIT_BYTES); default DEFAULT_JSON_BODY_LIMIT_BYTES. */
  hopMaxBytes?: number;
}

const megabytes = (bytes: number) => `${+(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The parser, then the handler that turns its refusals into GraphQL errors. */
export function graphqlBody(options: GraphqlBodyOptions = {}): [RequestHandler, ErrorRequestHandler] {
  const maxBytes = options.maxBytes ?? DEFAULT_GRAPHQL_BODY_LIMIT_BYTES;
  const client = express.json({ limit: maxBytes });
  const hop = express.json({ limit: options.hopMaxBytes ?? DEFAULT_JSON_BODY_LIMIT_BYTES });
  const parse: RequestHandler = (req, res, next) => (isGatewayHop(res) ? hop : client)(req, res, next);
  const refuse: ErrorRequestHandler = (error: { type?: string; length?: number; limit?: number }, _req, res, next) => {
    if (error.type === 'entity.too.large') {
      const allowed = error.limit ?? maxBytes;
      res.status(413).json({
        errors: [
          {
            message: `The request body is larger than ${megabytes(allowed)}; send lab reports to POST /api/labs/upload`,
            extensions: { code: ErrorCode.OPERATION_LIMIT, limit: 'bodySize', allowed, measured: error.length ?? null },
          },
        ],
      });
    } else if (error.type === 'entity.parse.failed' || error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') {
      res.status(400).json({ errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
    } else next(error);
  };
  return [parse, refuse];
}
