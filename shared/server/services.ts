// The services a process can run: the six subgraphs and the gateway. Its own small module so
// bin/start.ts can name them without loading the servers (tracing starts before they load).
import { SERVICE_NAMES, type SubgraphName } from '../config';

export type ServiceName = SubgraphName | 'gateway';
export const ALL_SERVICES: ServiceName[] = [...SERVICE_NAMES, 'gateway'];
