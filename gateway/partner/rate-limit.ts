// Moved to shared/limits/rate-limit.ts (the patient subgraph counts token requests with it too);
// kept so imports of the old path keep working.
export * from '../../shared/limits/rate-limit';
