// Device: a connected wearable (the patient's account at Oura, WHOOP, Dexcom or Garmin).
import type { Device } from '@medplum/fhirtypes';
import type { FhirWearableConnectionsQuery } from '../../../clients/sdk';
import { patientReference } from './patient';

type Connection = FhirWearableConnectionsQuery['wearableConnections'][number];

const VENDORS: Record<Connection['provider'], { manufacturer: string; name: string; type: string }> = {
  OURA: { manufacturer: 'Oura Health Oy', name: 'Oura Ring', type: 'Wearable sleep and activity tracker' },
  WHOOP: { manufacturer: 'WHOOP, Inc.', name: 'WHOOP strap', type: 'Wearable fitness and recovery tracker' },
  DEXCOM: { manufacturer: 'Dexcom, Inc.', name: 'Dexcom continuous glucose monitor', type: 'Continuous glucose monitor' },
  GARMIN: { manufacturer: 'Garmin Ltd.', name: 'Garmin wearable', type: 'Wearable activity tracker' },
};

export function toDevice(patientId: string, connection: Connection): Device {
  const vendor = VENDORS[connection.provider];
  return {
    resourceType: 'Device',
    id: connection.id,
    meta: { lastUpdated: connection.lastSyncedAt ?? connection.connectedAt },
    status: connection.status === 'DISCONNECTED' ? 'inactive' : 'active',
    manufacturer: vendor.manufacturer,
    deviceName: [{ name: vendor.name, type: 'user-friendly-name' }],
    type: { text: vendor.type },
    patient: patientReference(patientId),
    note: [{ text: `Connected ${connection.connectedAt}${connection.lastSyncedAt ? `; last synced ${connection.lastSyncedAt}` : ''}; connection ${connection.status.toLowerCase()}` }],
  };
}
