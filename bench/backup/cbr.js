// Runs cognito-backup-restore (npm, the peer) against the endpoint in
// AWS_ENDPOINT_URL (moto): `node cbr.js backup POOL DIR` or
// `node cbr.js restore POOL FILE`. aws-sdk v2, which it uses, reads no
// endpoint from the environment, so it is set on the global config here.
const AWS = require('aws-sdk');
const cbr = require('cognito-backup-restore');
AWS.config.update({ endpoint: process.env.AWS_ENDPOINT_URL, region: process.env.AWS_REGION });
const cognito = new AWS.CognitoIdentityServiceProvider();
const [cmd, pool, path] = process.argv.slice(2);
const run = cmd === 'backup' ? cbr.backupUsers(cognito, pool, path, 0) : cbr.restoreUsers(cognito, pool, path, 'Restored-Passw0rd!', undefined, 0);
run.then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
