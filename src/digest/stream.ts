// The stream a sent digest is kept in: its collector, scope and document type in the chain.
export const DIGEST_COLLECTOR = 'digest';
export const DIGEST_SCOPE = 'weekly';
export const DIGEST_EVIDENCE_TYPE = 'agent.digest';
