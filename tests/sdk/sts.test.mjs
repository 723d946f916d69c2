// The emulator's STS (Query protocol, XML) as AWS's own STS client sees it: the client the SDK's
// credential providers use (@aws-sdk/nested-clients/sts, installed with client-redshift-data).
// AssumeRole and AssumeRoleWithWebIdentity answers parse into credentials the Data API accepts;
// SigV4 failures and a bad web identity token parse into the SDK's typed errors; credentials
// past their Expiration are refused by the Data API with ExpiredTokenException.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  STSClient,
} from '@aws-sdk/nested-clients/sts';
import { ExecuteStatementCommand } from '@aws-sdk/client-redshift-data';
import { makeClient, REQUEST_ID_RE, target } from './lib/client.mjs';
import { stack } from './lib/env.mjs';

const clients = [];
function sts(credentials = stack.credentials) {
  const c = new STSClient({
    region: stack.region,
    endpoint: stack.url,
    credentials: { ...credentials },
    maxAttempts: 1,
  });
  clients.push(c);
  return c;
}
function dataApi(credentials) {
  const c = makeClient({ credentials });
  clients.push(c);
  return c;
}

async function setMaxDuration(seconds) {
  const r = await fetch(`${stack.url}/_emulator/sts`, {
    method: 'POST',
    body: JSON.stringify({ 'max-duration-seconds': seconds }),
  });
  assert.equal(r.status, 200);
}

after(async () => {
  await setMaxDuration(0);
  for (const c of clients) c.destroy();
});

const ROLE = 'arn:aws:iam::123456789012:role/sdk-role';

function asCredentials(c) {
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

describe('AssumeRole', () => {
  it('returns credentials, the assumed role and its expiration', async () => {
    const out = await sts().send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'sdk-session', DurationSeconds: 900 }),
    );
    assert.match(out.$metadata.requestId, REQUEST_ID_RE);
    assert.equal(out.AssumedRoleUser.Arn, 'arn:aws:sts::123456789012:assumed-role/sdk-role/sdk-session');
    assert.match(out.Credentials.AccessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.ok(out.Credentials.Expiration instanceof Date);
    const ttl = (out.Credentials.Expiration.getTime() - Date.now()) / 1000;
    assert.ok(ttl > 880 && ttl <= 901, `expiration ${ttl} s away`);
    // The issued key signs Data API calls (with its session token).
    const r = await dataApi(asCredentials(out.Credentials)).send(
      new ExecuteStatementCommand({ ...target, Sql: 'select 1' }),
    );
    assert.ok(r.Id);
  });

  it('can be chained: the issued key assumes another role', async () => {
    const first = await sts().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'hop1' }));
    const second = await sts(asCredentials(first.Credentials)).send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/next', RoleSessionName: 'hop2' }),
    );
    assert.equal(second.AssumedRoleUser.Arn, 'arn:aws:sts::123456789012:assumed-role/next/hop2');
  });

  it('refuses a wrong secret with SignatureDoesNotMatch (403)', async () => {
    const bad = sts({ ...stack.credentials, secretAccessKey: 'wrong' });
    await assert.rejects(bad.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 's' })), (e) => {
      assert.equal(e.name, 'SignatureDoesNotMatch');
      assert.equal(e.$metadata.httpStatusCode, 403);
      assert.match(e.$metadata.requestId, REQUEST_ID_RE);
      return true;
    });
  });

  it('refuses an unknown key with InvalidClientTokenId (403)', async () => {
    const bad = sts({ accessKeyId: 'AKIDUNKNOWN000000000', secretAccessKey: 'x' });
    await assert.rejects(bad.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 's' })), (e) => {
      assert.equal(e.name, 'InvalidClientTokenId');
      assert.equal(e.message, 'The security token included in the request is invalid.');
      assert.equal(e.$metadata.httpStatusCode, 403);
      return true;
    });
  });

  it('validates its parameters', async () => {
    await assert.rejects(
      sts().send(new AssumeRoleCommand({ RoleArn: 'not-an-arn', RoleSessionName: 'ss' })),
      (e) => e.name === 'ValidationError' && e.$metadata.httpStatusCode === 400,
    );
    await assert.rejects(sts().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 's' })), (e) => {
      assert.equal(e.name, 'ValidationError');
      assert.match(e.message, /length greater than or equal to 2/);
      return true;
    });
  });
});

describe('AssumeRoleWithWebIdentity', () => {
  it('is unsigned and returns credentials for a JWT', async () => {
    const out = await sts().send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: 'arn:aws:iam::123456789012:role/web',
        RoleSessionName: 'w1',
        WebIdentityToken: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln',
      }),
    );
    assert.equal(out.AssumedRoleUser.Arn, 'arn:aws:sts::123456789012:assumed-role/web/w1');
    assert.match(out.Credentials.SessionToken, /^.{100,}$/);
  });

  it('refuses a token that is not a JWT with InvalidIdentityToken', async () => {
    await assert.rejects(
      sts().send(
        new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE, RoleSessionName: 'w1', WebIdentityToken: 'nope' }),
      ),
      (e) => e.name === 'InvalidIdentityTokenException' && e.$metadata.httpStatusCode === 400,
    );
  });
});

describe('expiry', () => {
  it('the Data API refuses issued credentials once they expired', async () => {
    await setMaxDuration(1);
    const out = await sts().send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'short' }));
    await setMaxDuration(0);
    await new Promise((r) => setTimeout(r, 2100));
    await assert.rejects(
      dataApi(asCredentials(out.Credentials)).send(new ExecuteStatementCommand({ ...target, Sql: 'select 1' })),
      (e) => {
        assert.equal(e.name, 'ExpiredTokenException');
        assert.equal(e.$metadata.httpStatusCode, 400);
        return true;
      },
    );
  });
});
