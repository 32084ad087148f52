// npm run token -- --role <admin|staff|provider|support|customer> [--patient <patientId>] [--sub <userId>] [--ttl 1h]
// Prints a token signed by the local development issuer (the key in the data folder, made by
// the first `npm start`). A customer token signs in as the user linked to --patient (a seeded
// patient), or to the first seeded patient. It carries the graph's audience, and a --ttl longer
// than the graph accepts (AUTH_MAX_TOKEN_LIFETIME_SECONDS) is refused here rather than there.
import { loadConfig } from '../shared/config';
import { ROLES, type Role } from '../shared/auth/caller';
import { signDevToken, ttlSeconds } from '../shared/auth/dev-issuer';
import { ownAudience } from '../shared/auth/verify';
import { seededUserId, seededUserIdFor } from '../prisma/seed/identities';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main() {
  const role = (option('role') ?? 'customer') as Role;
  if (!(ROLES as readonly string[]).includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  const patient = option('patient');
  let sub = option('sub');
  if (!sub && role === 'customer') {
    sub = patient ? seededUserIdFor(patient) ?? undefined : seededUserId(1);
    if (!sub) throw new Error(`${patient} is not a seeded patient: pass --sub with the user id linked to it`);
  }
  sub ??= `user_dev_${role}`;
  const config = loadConfig();
  const ttl = option('ttl') ?? '1h';
  const max = config.tokens.maxLifetimeSeconds;
  if (ttlSeconds(ttl) > max) throw new Error(`--ttl ${ttl} is longer than the ${max} s the graph accepts (AUTH_MAX_TOKEN_LIFETIME_SECONDS)`);
  console.log(await signDevToken(config.dataDir, { sub, role, ttl, audience: ownAudience(config.tokens.audience) }));
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
