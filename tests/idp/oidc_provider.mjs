// A real OpenID Connect provider (the certified `oidc-provider` package) for the SSO tests.
//
//   node tests/idp/oidc_provider.mjs PORT TOKEN
//
// Listens on 127.0.0.1:PORT with issuer http://127.0.0.1:PORT. Clients are registered the standard way
// (dynamic client registration, POST /reg with the initial access token TOKEN). The people it signs in
// are set by the test: POST /_test/accounts with `Authorization: Bearer TOKEN` and a JSON object
// {login: {sub, email, email_verified, given_name, family_name, ...}}. Its sign-in page asks for a login
// and signs that account in; consent is implied for every client (a company's own IdP, first party).
// Prints "ready <issuer>" on stdout once it listens.
import http from "node:http";
import Provider from "oidc-provider";

const port = Number(process.argv[2]);
const token = process.argv[3];
const issuer = `http://127.0.0.1:${port}`;
let accounts = {};

const provider = new Provider(issuer, {
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true, initialAccessToken: token },
  },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "given_name", "family_name", "preferred_username"],
  },
  cookies: { keys: [token] },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = Object.values(accounts).find((a) => a.sub === id);
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ ...account }) };
  },
  async loadExistingGrant(ctx) {
    const existing = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (existing) return ctx.oidc.provider.Grant.find(existing);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
  ttl: { Session: 60, Interaction: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function readBody(req) {
  return new Promise((resolve) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => resolve(body));
  });
}

const callback = provider.callback();

http
  .createServer(async (req, res) => {
    try {
      if (req.url === "/_test/accounts" && req.method === "POST") {
        if (req.headers.authorization !== `Bearer ${token}`) {
          res.writeHead(403).end();
          return;
        }
        accounts = JSON.parse(await readBody(req));
        res.writeHead(204).end();
        return;
      }
      const match = req.url.match(/^\/interaction\/([^/?]+)/);
      if (match && req.method === "GET") {
        const details = await provider.interactionDetails(req, res);
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
        res.end(`<!doctype html><html><head><title>Test IdP sign-in</title></head><body>
<h1>Test IdP</h1><p>Client: ${escape(details.params.client_id)}</p>
<form method="post" action="/interaction/${escape(details.uid)}">
<label>Login <input name="login" autofocus></label>
<button type="submit">Sign in at the IdP</button></form></body></html>`);
        return;
      }
      if (match && req.method === "POST") {
        const form = new URLSearchParams(await readBody(req));
        const account = accounts[form.get("login")];
        if (!account) {
          res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
          res.end("<p>Unknown login at the IdP.</p>");
          return;
        }
        await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, {
          mergeWithLastSubmission: false,
        });
        return;
      }
      callback(req, res);
    } catch (error) {
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(String(error));
    }
  })
  .listen(port, "127.0.0.1", () => console.log(`ready ${issuer}`));
