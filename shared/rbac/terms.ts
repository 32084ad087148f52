// The matrix's vocabulary (schema/rbac-matrix.json): its actions and resources, as types and
// lists. Its own module so that the matrix (matrix.ts) and the scopes (scopes.ts) both read it
// without importing each other.
import matrixFile from '../../schema/rbac-matrix.json';

export const ACTIONS = ['read', 'create', 'update', 'delete'] as const;
export type Action = (typeof ACTIONS)[number];
export type Resource = keyof typeof matrixFile.resources;
export const RESOURCES = Object.keys(matrixFile.resources) as Resource[];
