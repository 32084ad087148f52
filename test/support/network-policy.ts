// Kubernetes NetworkPolicy semantics for ingress, enough to ask "may pod A open a connection to
// pod B on port P?" of a set of policies: a pod selected by no ingress policy accepts everything;
// a selected pod accepts what at least one rule of one selecting policy allows.
export interface Pod {
  namespace: string;
  labels: Record<string, string>;
  /** Container port names to numbers (named ports in policies). */
  ports: Record<string, number>;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: unknown;
}

export interface NetworkPolicy {
  metadata: { name: string; namespace?: string };
  spec: {
    podSelector: LabelSelector;
    policyTypes?: string[];
    ingress?: { from?: Peer[]; ports?: { protocol?: string; port?: number | string; endPort?: number }[] }[];
  };
}

export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    if (operator === 'Exists') return key in labels;
    if (operator === 'DoesNotExist') return !(key in labels);
    if (operator === 'In') return key in labels && values.includes(labels[key]);
    return !(key in labels) || !values.includes(labels[key]);
  });
  return byLabels && byExpressions;
}

/** Namespaces carry their name as the label kubernetes.io/metadata.name. */
const namespaceLabels = (namespace: string) => ({ 'kubernetes.io/metadata.name': namespace });

function peerAllows(peer: Peer, from: Pod, policyNamespace: string): boolean {
  if (peer.ipBlock) return false; // pod-to-pod traffic is decided by the selectors
  const inNamespace = peer.namespaceSelector ? selects(peer.namespaceSelector, namespaceLabels(from.namespace)) : from.namespace === policyNamespace;
  return inNamespace && (!peer.podSelector || selects(peer.podSelector, from.labels));
}

export function allowsIngress(policies: NetworkPolicy[], from: Pod, to: Pod, port: number): boolean {
  const applying = policies.filter(
    (policy) => (policy.metadata.namespace ?? to.namespace) === to.namespace && (policy.spec.policyTypes ?? ['Ingress']).includes('Ingress') && selects(policy.spec.podSelector, to.labels),
  );
  if (!applying.length) return true;
  return applying.some((policy) =>
    (policy.spec.ingress ?? []).some((rule) => {
      const fromOk = !rule.from?.length || rule.from.some((peer) => peerAllows(peer, from, policy.metadata.namespace ?? to.namespace));
      const portOk =
        !rule.ports?.length ||
        rule.ports.some((entry) => {
          const number = typeof entry.port === 'string' ? to.ports[entry.port] : entry.port;
          return entry.port === undefined || (number !== undefined && port >= number && port <= (entry.endPort ?? number));
        });
      return fromOk && portOk;
    }),
  );
}
