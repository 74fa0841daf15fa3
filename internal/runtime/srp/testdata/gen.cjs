// Generates vectors.json: known answers for package srp, computed by AWS's
// own SRP client, amazon-cognito-identity-js (pinned in package.json), from
// inputs derived deterministically from a counter (so a re-run gives the same
// file). Run from the repository root: make srp-vectors
'use strict';
const crypto = require('crypto');
const { Buffer } = require('buffer');
const AuthenticationHelper = require('amazon-cognito-identity-js/lib/AuthenticationHelper').default;
const DateHelper = require('amazon-cognito-identity-js/lib/DateHelper').default;
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default;
const { Sha256 } = require('@aws-crypto/sha256-js');

let counter = 0;
function bytes(n) { // deterministic "random" bytes
  const out = [];
  while (out.length < n) out.push(...crypto.createHash('sha256').update('authstack-srp-' + counter++).digest());
  return Buffer.from(out.slice(0, n));
}
const N = new AuthenticationHelper('x').N;

const cases = [
  { poolId: 'eu-west-1_AbCdEf123', user: 'jane@example.com', password: 'Correct-Horse-9' },
  { poolId: 'us-east-1_Z9y8X7w6V', user: '6b4f0d1e-2c3a-4f5e-8d7c-1a2b3c4d5e6f', password: 'pässwörd-Ünïcode-€-1A' },
  { poolId: 'ap-southeast-2_q', user: 'a', password: ' leading and trailing spaces ' },
  { poolId: 'eu-west-1_AbCdEf123', user: 'user+tag@example.org', password: 'x'.repeat(256) },
  { poolId: 'eu-central-1_0000', user: 'ünïcödé-用户', password: 'Aa1!' },
  { poolId: 'eu-west-1_AbCdEf123', user: 'jane@example.com', password: 'Correct-Horse-9', saltHex: '00ab' },
  { poolId: 'eu-west-1_AbCdEf123', user: 'jane@example.com', password: 'Correct-Horse-9', saltHex: '8f' },
];
// Instants for TIMESTAMP: single-digit days, afternoons, midnight, year ends.
const instants = ['2026-11-05T16:05:09Z', '2026-01-01T00:00:00Z', '2026-12-31T23:59:59Z', '2027-02-28T12:30:01Z', '2026-07-09T09:08:07Z'];

function timestampAt(iso) {
  const RealDate = Date;
  global.Date = class extends RealDate { constructor(...a) { super(...(a.length ? a : [iso])); } };
  try { return new DateHelper().getNowString(); } finally { global.Date = RealDate; }
}

function run(c, i) {
  const poolName = c.poolId.split('_')[1];
  const helper = new AuthenticationHelper(poolName);
  helper.smallAValue = new BigInteger(bytes(128).toString('hex'), 16);
  helper.largeAValue = undefined;
  let A;
  helper.getLargeAValue((err, v) => { if (err) throw err; A = v; });
  const B = new BigInteger(bytes(384).toString('hex'), 16).mod(N);
  const saltHex = c.saltHex || bytes(16).toString('hex');
  const secretBlock = bytes(64 + i).toString('base64');
  const timestamp = timestampAt(instants[i % instants.length]);
  let hkdf;
  helper.getPasswordAuthenticationKey(c.user, c.password, B, new BigInteger(saltHex, 16), (err, k) => { if (err) throw err; hkdf = k; });
  // As CognitoUser.authenticateUserDefaultAuth signs the challenge.
  const msg = Buffer.concat([Buffer.from(poolName, 'utf8'), Buffer.from(c.user, 'utf8'), Buffer.from(secretBlock, 'base64'), Buffer.from(timestamp, 'utf8')]);
  const mac = new Sha256(hkdf);
  mac.update(msg);
  return {
    poolId: c.poolId, userIdForSrp: c.user, password: c.password,
    smallA: helper.smallAValue.toString(16), srpB: B.toString(16), salt: saltHex, secretBlock,
    instant: instants[i % instants.length],
    want: { srpA: A.toString(16), timestamp, key: Buffer.from(hkdf).toString('hex'), signature: Buffer.from(mac.digestSync()).toString('base64') },
  };
}

const out = {
  generator: 'internal/runtime/srp/testdata/gen.cjs with amazon-cognito-identity-js ' + require('amazon-cognito-identity-js/package.json').version,
  vectors: cases.map(run),
};
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
