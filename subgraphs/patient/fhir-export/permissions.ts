// Who may start, poll, download and cancel an export. The matrix's fhir_exports row on the
// patient's record decides, and beside it two rules the matrix cannot say: once started, an
// export is its requester's alone (another person with the same rights is refused too), and
// partner clients may not start one (their scopes and revocation cannot be carried into the job).
// Every decision, allowed or refused, leaves its audit row.
import { GraphQLError } from 'graphql';
import { rule } from 'graphql-shield';
import { ErrorCode, isUuid } from '../../../shared/graphql/errors';
import type { Action } from '../../../shared/rbac/matrix';
import { decide } from '../../../shared/rbac/matrix';
import { argument, authorize, denial, type RbacContext } from '../../../shared/rbac/rules';

const RESOURCE = 'fhir_exports';

/** What the requester check needs of an export. */
export interface ExportOwner {
  profileId: string;
  requestedBy: string;
}

function refuse(context: RbacContext, action: Action, patientId: string | null, reason: string): GraphQLError {
  context.audit.record({ resource: RESOURCE, action, patientId, allowed: false, reason });
  return denial('FORBIDDEN', RESOURCE, action, reason);
}

/** startFhirExport: the matrix on the patient named, people only. */
export const mayStartExport = rule({ cache: 'no_cache' })(async (parent, args, context: RbacContext) => {
  const patientId = (await argument('patientId')(parent, args, context)) ?? null;
  if (context.caller.partnerId) return refuse(context, 'create', patientId, 'partner clients may not start exports');
  return authorize(context, RESOURCE, 'create', patientId);
});

/** A field on one export (by its id argument): its requester only, within the matrix. */
export function requesterOnly<C extends RbacContext>(action: Action, load: (context: C, id: string) => Promise<ExportOwner | null>) {
  return rule({ cache: 'no_cache' })(async (_parent, args, context: C) => {
    const id = args?.id;
    // A malformed id names nothing: the resolver answers BAD_USER_INPUT.
    if (typeof id !== 'string' || !isUuid(id)) return true;
    if (context.caller.role === 'anonymous') return authorize(context, RESOURCE, action, null);
    const owner = await load(context, id.toLowerCase());
    if (!owner) {
      context.audit.record({ resource: RESOURCE, action, patientId: null, allowed: false, reason: 'no such export (cancelled, expired or never made)' });
      return new GraphQLError(`Export ${id} was not found (cancelled, expired or never made)`, { extensions: { code: ErrorCode.NOT_FOUND } });
    }
    if (owner.requestedBy !== context.caller.userId) {
      const matrix = decide(context.caller, RESOURCE, action, owner.profileId);
      return refuse(context, action, owner.profileId, matrix.allowed ? "only the export's requester" : matrix.reason);
    }
    return authorize(context, RESOURCE, action, owner.profileId);
  });
}
