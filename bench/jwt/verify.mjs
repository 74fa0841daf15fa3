// aws-jwt-verify (the AWS-maintained Node verifier) on the same tokens and
// key set as bench/jwt: verifySync of an access token, single thread.
// Usage: node bench/jwt/verify.mjs DIR SECONDS
import { readFileSync } from "node:fs";
import { CognitoJwtVerifier } from "aws-jwt-verify";

const [dir, seconds] = [process.argv[2], Number(process.argv[3] || 2)];
const meta = JSON.parse(readFileSync(`${dir}/meta.json`, "utf8"));
const tokens = readFileSync(`${dir}/tokens.txt`, "utf8").trim().split("\n");
const verifier = CognitoJwtVerifier.create({ userPoolId: meta.poolId, tokenUse: "access", clientId: meta.clientId });
verifier.cacheJwks(JSON.parse(readFileSync(`${dir}/jwks.json`, "utf8")));
for (const t of tokens) verifier.verifySync(t); // warm up, and prove the tokens verify
let n = 0;
const end = performance.now() + seconds * 1000;
while (performance.now() < end) {
  for (let i = 0; i < 100; i++) verifier.verifySync(tokens[(n + i) % tokens.length]);
  n += 100;
}
console.log(JSON.stringify({ verifiesPerSecond: n / seconds }));
