import type { CustomerProfile, Membership } from '../../generated/prisma/client';
import { badUserInput, notFound, parseId } from '../../shared/graphql/errors';
import { connectionFromArray, connectionFromQuery, type PageArgs } from '../../shared/graphql/pagination';
import type { SubgraphContext } from '../../shared/server/context';
import type { PatientServices } from './services';
import { wantsField } from '../../shared/graphql/selection';
import type { PatientLoaders } from './loaders';
import { validateProfileUpdate, type ProfileUpdateInput } from './profile';
import { auditLogPage, type AuditLogFilter } from './audit-log';
import type { GraphQLResolveInfo } from 'graphql';
import type { PatientEventType } from '../../generated/prisma/client';
import { ageOn } from '../../shared/domain/patient-facts';
import {
  createPartnerCredential,
  issuePartnerToken,
  partnerCredentialResolvers,
  revokePartnerCredential,
  type CreatePartnerCredentialInput,
} from './partners';
import { careAlertMutations, careAlertQueries, careAlertSubscriptions, careAlertTypes, careTeamNotices } from './care-alerts/resolvers';
import { fhirExportMutations, fhirExportQueries, fhirExportTypes } from './fhir-export/resolvers';
import { patientData } from './data';

type Ctx = SubgraphContext<PatientLoaders, PatientServices>;

async function loadPatient(ctx: Ctx, id: string): Promise<CustomerProfile> {
  const profile = await ctx.loaders.profile.load(parseId('id', id));
  if (!profile) throw notFound('Patient', id);
  return profile;
}

export const resolvers = {
  Query: {
    me: (_: unknown, __: unknown, ctx: Ctx) => (ctx.caller.patientId ? ctx.loaders.profile.load(ctx.caller.patientId) : null),
    patient: (_: unknown, args: { id: string }, ctx: Ctx) => loadPatient(ctx, args.id),
    patients: async (_: unknown, args: PageArgs & { search?: string | null }, ctx: Ctx, info: GraphQLResolveInfo) => {
      const search = args.search?.trim();
      if (search !== undefined && search.length > 100) throw badUserInput('search', 'must be at most 100 characters');
      const connection = await connectionFromQuery(
        (window) => ctx.loaders.profiles.page(search, window),
        wantsField(info, 'totalCount') ? () => ctx.loaders.profiles.count(search) : null,
        args,
      );
      // Entity fetches from other subgraphs come back through the loader: prime it.
      for (const edge of connection.edges) ctx.loaders.profile.prime(edge.node.id, edge.node);
      return connection;
    },
    auditLog: (_: unknown, args: PageArgs & { filter?: AuditLogFilter | null }, ctx: Ctx) => auditLogPage(ctx.prisma, args.filter, args),
    partnerCredentials: (_: unknown, args: { includeRevoked?: boolean | null }, ctx: Ctx) =>
      patientData(ctx.prisma).partnerCredential.findMany({ where: args.includeRevoked ? undefined : { revokedAt: null }, orderBy: { createdAt: 'desc' } }),
    ...careAlertQueries,
    ...fhirExportQueries,
  },
  Subscription: careAlertSubscriptions,
  Mutation: {
    ...careAlertMutations,
    ...fhirExportMutations,
    createPartnerCredential: (_: unknown, args: { input: CreatePartnerCredentialInput }, ctx: Ctx) => createPartnerCredential(ctx, args.input),
    revokePartnerCredential: (_: unknown, args: { id: string }, ctx: Ctx) => revokePartnerCredential(ctx, args.id),
    issuePartnerToken: (_: unknown, args: { clientId: string; clientSecret: string }, ctx: Ctx) => issuePartnerToken(ctx, args.clientId, args.clientSecret),
    updatePatientProfile: async (_: unknown, args: { id: string; input: ProfileUpdateInput }, ctx: Ctx) => {
      const id = parseId('id', args.id);
      const data = validateProfileUpdate(args.input);
      await loadPatient(ctx, id);
      const [profile] = await ctx.prisma.$transaction([
        patientData(ctx.prisma).customerProfile.update({ where: { id }, data }),
        patientData(ctx.prisma).patientEvent.create({
          data: { profileId: id, type: 'PROFILE_UPDATED', title: 'Profile updated', detail: { fields: Object.keys(data) }, source: 'patient' },
        }),
      ]);
      return profile;
    },
    recordPatientEvent: async (
      _: unknown,
      args: { patientId: string; input: { type: PatientEventType; title: string; detail?: string | null; occurredAt?: Date | null } },
      ctx: Ctx,
    ) => {
      const profileId = parseId('patientId', args.patientId);
      await loadPatient(ctx, profileId);
      const title = args.input.title.trim();
      if (!title || title.length > 200) throw badUserInput('input.title', 'must be 1 to 200 characters');
      let detail: unknown = undefined;
      if (args.input.detail) {
        try {
          detail = JSON.parse(args.input.detail);
        } catch {
          throw badUserInput('input.detail', 'must be a JSON string');
        }
      }
      return patientData(ctx.prisma).patientEvent.create({
        data: { profileId, type: args.input.type, title, detail: detail as never, source: 'patient', occurredAt: args.input.occurredAt ?? undefined },
      });
    },
  },
  Patient: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.profile.load(ref.id),
    age: (profile: CustomerProfile) => ageOn(profile.dateOfBirth),
    membership: async (profile: CustomerProfile, _: unknown, ctx: Ctx): Promise<Membership | null> =>
      (await ctx.loaders.memberships.load(profile.id))[0] ?? null,
    memberships: (profile: CustomerProfile, _: unknown, ctx: Ctx) => ctx.loaders.memberships.load(profile.id),
    events: async (profile: CustomerProfile, args: PageArgs & { types?: PatientEventType[] | null }, ctx: Ctx) => {
      const types = args.types?.length ? [...args.types].sort() : null;
      return connectionFromArray(await ctx.loaders.events.load({ parentId: profile.id, filter: types }), args);
    },
    treatments: (profile: CustomerProfile, _: unknown, ctx: Ctx) => ctx.loaders.treatments.load(profile.id),
    prescriptions: (profile: CustomerProfile, _: unknown, ctx: Ctx) => ctx.loaders.prescriptions.load(profile.id),
    careTeamNotices: (profile: CustomerProfile, args: { first?: number | null }, ctx: Ctx) => careTeamNotices(profile.id, args, ctx),
  },
  ...careAlertTypes,
  ...fhirExportTypes,
  PartnerCredential: partnerCredentialResolvers,
  PatientEvent: {
    detail: (event: { detail: unknown }) => (event.detail == null ? null : JSON.stringify(event.detail)),
  },
};
