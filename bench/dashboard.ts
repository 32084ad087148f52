// The patient dashboard under load, through a running gateway.
//   npm start   # in another terminal
//   npm run bench                                  # against :4000, as an admin of the dev issuer
//   GATEWAY_URL=http://host:port AUTHORIZATION="Bearer …" CONNECTIONS=20 DURATION=15 PATIENTS=50 npm run bench
import { loadConfig } from '../shared/config';
import { signDevToken } from '../shared/auth/dev-issuer';
import { benchSettings, loadDashboard } from './load';

async function main() {
  const gatewayUrl = process.env.GATEWAY_URL ?? `http://127.0.0.1:${loadConfig().gatewayPort}`;
  const authorization = process.env.AUTHORIZATION ?? `Bearer ${await signDevToken(loadConfig().dataDir, { sub: 'user_bench', role: 'admin' })}`;
  console.log(JSON.stringify(await loadDashboard({ gatewayUrl, headers: { authorization }, ...benchSettings() }), null, 2));
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
