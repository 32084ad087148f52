// Device: the patient's connected wearables (one per vendor account).
import { FhirWearableConnectionsDocument } from '../../../clients/sdk';
import { toDevice } from '../mappers/device';
import { listSource } from '../paging';
import { inScope, type TypeHandler } from './context';

export const devices: TypeHandler = {
  async sources(ctx, patientId) {
    if (!inScope(ctx, 'wearables', patientId)) return [];
    return [listSource(async () => (await ctx.run(FhirWearableConnectionsDocument, { patientId })).wearableConnections.map((c) => toDevice(patientId, c)))];
  },
};
