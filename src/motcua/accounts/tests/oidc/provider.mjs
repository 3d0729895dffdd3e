// A real OpenID Connect provider for the end-to-end sign-in test: panva's
// oidc-provider (npm, devDependency), with its built-in development
// login and consent pages. It listens on 127.0.0.1 at a free port and prints
// one JSON line {"issuer": ...} on stdout once it accepts connections.
//
// Usage: node provider.mjs <config.json>
//   config: {clients: [{client_id, client_secret, redirect_uri}], accounts: {login: claims}}
// Any password signs a listed login in (development interactions); an
// unknown login has no account and the provider refuses it.
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: config.clients.map((client) => ({
      client_id: client.client_id,
      client_secret: client.client_secret,
      redirect_uris: [client.redirect_uri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    // Claims per scope; identity_number is the CCCD, which has no standard claim.
    claims: {
      openid: ['sub'],
      profile: ['name', 'birthdate', 'identity_number', 'tax_code', 'address'],
      email: ['email', 'email_verified'],
    },
    cookies: { keys: ['motcua-test-cookie-key'] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    async findAccount(ctx, id) {
      const claims = config.accounts[id];
      if (!claims) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, ...claims };
        },
      };
    },
  });
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

// The test ends the process; stdin closing (the test runner died) ends it too.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
