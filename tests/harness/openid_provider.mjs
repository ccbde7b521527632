// A real OpenID Connect provider for the social login tests: node's oidc-provider (panva), on loopback.
//
// Usage: node openid_provider.mjs PORT  with OIDC_TEST_CLIENTS set to a JSON list of client metadata.
// Its development sign-in pages (devInteractions) take any login and password: the login is the
// person's email, and who they are follows from it so that the tests can ask for the cases they need:
//   alice@example.com              subject "alice@example.com", email alice@example.com, verified
//   unverified:bob@example.com     subject "unverified:bob@example.com", email bob@example.com, not verified
// The ID token carries the email claims (conformIdTokenClaims off), as Google's and Microsoft's do.
import { generateKeyPairSync, randomUUID } from "node:crypto";

import Provider from "oidc-provider";

const port = Number(process.argv[2]);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.OIDC_TEST_CLIENTS);
const UNVERIFIED = "unverified:";
// A signing key of its own at each start, with a fresh `kid`: a restarted provider has rotated its keys.
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), use: "sig", alg: "RS256" };

function person(login) {
  const verified = !login.startsWith(UNVERIFIED);
  const email = verified ? login : login.slice(UNVERIFIED.length);
  return {
    sub: login,
    email,
    email_verified: verified,
    given_name: email.split("@")[0],
    family_name: "Tester",
  };
}

const provider = new Provider(issuer, {
  clients,
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["given_name", "family_name"] },
  conformIdTokenClaims: false,
  cookies: { keys: ["a-test-only-cookie-key-of-the-openid-provider"] },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  jwks: { keys: [signingKey] },
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return person(id); } };
  },
});
provider.listen(port, "127.0.0.1", () => console.log(`oidc-provider listening on ${issuer}`));
