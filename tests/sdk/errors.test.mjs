// Error answers as AWS's SDK sees them: validation (model constraints), missing resources,
// operations that need a result set, and SigV4 authentication failures.
// Fault injection (throttling, 5xx, drops) is in faults.test.mjs.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  DescribeTableCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  GetStatementResultV2Command,
  ListDatabasesCommand,
  ListSchemasCommand,
  ListSessionsCommand,
  ListStatementsCommand,
  ListTablesCommand,
  ValidationException,
} from '@aws-sdk/client-redshift-data';
import {
  makeClient,
  REQUEST_ID_RE,
  rejectsWith,
  runOk,
  runSql,
  target,
} from './lib/client.mjs';
import { stack } from './lib/env.mjs';

const client = makeClient();
const clients = [client];

// A client with other credentials or settings; destroyed with the others at the end.
function otherClient(overrides) {
  const c = makeClient(overrides);
  clients.push(c);
  return c;
}

after(() => {
  for (const c of clients) c.destroy();
});

function exec(input) {
  return client.send(new ExecuteStatementCommand(input));
}

describe('validation of ExecuteStatement input', () => {
  const invalid = (what, input, message) =>
    it(what, async () => {
      const err = await rejectsWith(exec(input), {
        cls: ValidationException,
        status: 400,
        message,
      });
      assert.match(err.$metadata.requestId ?? '', REQUEST_ID_RE, 'errors carry a request id');
    });

  invalid('missing Sql', { ...target }, /sql/i);
  const sql1 = { ...target, Sql: 'select 1' };
  invalid('WaitTimeSeconds 31', { ...sql1, WaitTimeSeconds: 31 }, /waitTimeSeconds/i);
  invalid('WaitTimeSeconds 0', { ...sql1, WaitTimeSeconds: 0 }, /waitTimeSeconds/i);
  invalid('both ClusterIdentifier and WorkgroupName', {
    ...target,
    ClusterIdentifier: 'redwire-sdk-cluster',
    Sql: 'select 1',
  });
  invalid('neither ClusterIdentifier nor WorkgroupName', {
    Database: stack.database,
    Sql: 'select 1',
  });
  invalid('an empty Parameters list', { ...sql1, Parameters: [] }, /parameters/i);
  invalid(
    'a placeholder without a parameter',
    { ...target, Sql: 'select :a, :b', Parameters: [{ name: 'a', value: '1' }] },
    /\bb\b/,
  );
  invalid('an empty parameter value', {
    ...target,
    Sql: 'select :a',
    Parameters: [{ name: 'a', value: '' }],
  });
  invalid('a parameter name outside [0-9a-zA-Z_]', {
    ...target,
    Sql: 'select 1',
    Parameters: [{ name: 'a-b', value: '1' }],
  });
  invalid('ResultFormat outside the enum', { ...target, Sql: 'select 1', ResultFormat: 'XML' });
  invalid('a ClientToken over 64 characters', {
    ...target,
    Sql: 'select 1',
    ClientToken: 'x'.repeat(65),
  });
  invalid('a WorkgroupName outside its pattern', {
    WorkgroupName: 'No_Such Workgroup',
    Database: stack.database,
    Sql: 'select 1',
  });
  invalid('a ClusterIdentifier outside its pattern', {
    ClusterIdentifier: 'Bad_Cluster',
    Database: stack.database,
    Sql: 'select 1',
  });
  // AWS's text, as reported by a user of the real service (dataapi.md §3, S13).
  invalid(
    'SQL text over 100 kB',
    { ...target, Sql: `select '${'x'.repeat(100 * 1024)}'` },
    /Cannot process query string larger than 100kB/,
  );
});

describe('validation of other operations', () => {
  it('DescribeStatement with an Id outside the pattern', async () => {
    await rejectsWith(client.send(new DescribeStatementCommand({ Id: 'not-a-statement-id' })), {
      cls: ValidationException,
      status: 400,
      message: /id/i,
    });
  });

  it('DescribeStatement with an upper-case UUID (the pattern is lower case only)', async () => {
    await rejectsWith(
      client.send(new DescribeStatementCommand({ Id: randomUUID().toUpperCase() })),
      { cls: ValidationException, status: 400 },
    );
  });

  it('DescribeStatement without Id', async () => {
    await rejectsWith(client.send(new DescribeStatementCommand({})), {
      cls: ValidationException,
      status: 400,
      message: /id/i,
    });
  });

  it('ListStatements with MaxResults 101', async () => {
    await rejectsWith(client.send(new ListStatementsCommand({ MaxResults: 101 })), {
      cls: ValidationException,
      status: 400,
      message: /maxResults/i,
    });
  });

  it('ListStatements with a Status outside the enum', async () => {
    await rejectsWith(client.send(new ListStatementsCommand({ Status: 'DONE' })), {
      cls: ValidationException,
      status: 400,
      message: /status/i,
    });
  });

  it('ListDatabases without Database', async () => {
    await rejectsWith(
      client.send(new ListDatabasesCommand({ WorkgroupName: stack.workgroup })),
      { cls: ValidationException, status: 400, message: /database/i },
    );
  });

  // One model constraint of each remaining operation (the messages are Coral's, see
  // tests/emulator/README.md): required members, ranges and patterns.
  const others = [
    ['ListSchemas without Database', new ListSchemasCommand({ WorkgroupName: stack.workgroup }),
      /database/i],
    ['ListSchemas with MaxResults 1001', new ListSchemasCommand({ ...target, MaxResults: 1001 }),
      /maxResults/i],
    ['ListTables with MaxResults 1001', new ListTablesCommand({ ...target, MaxResults: 1001 }),
      /maxResults/i],
    ['DescribeTable without Database',
      new DescribeTableCommand({ WorkgroupName: stack.workgroup, Table: 't' }), /database/i],
    ['ListSessions with MaxResults 101', new ListSessionsCommand({ MaxResults: 101 }),
      /maxResults/i],
    ['ListSessions with a SessionId outside the pattern',
      new ListSessionsCommand({ SessionId: 'not-a-session' }), /sessionId/i],
    ['CancelStatement without Id', new CancelStatementCommand({}), /id/i],
    ['GetStatementResultV2 with an Id outside the pattern',
      new GetStatementResultV2Command({ Id: 'nope' }), /id/i],
    ['BatchExecuteStatement with no SQL', new BatchExecuteStatementCommand({ ...target, Sqls: [] }),
      /sqls/i],
    ['BatchExecuteStatement with WaitTimeSeconds 31',
      new BatchExecuteStatementCommand({ ...target, Sqls: ['select 1'], WaitTimeSeconds: 31 }),
      /waitTimeSeconds/i],
  ];
  for (const [what, command, message] of others) {
    it(what, async () => {
      await rejectsWith(client.send(command), { cls: ValidationException, status: 400, message });
    });
  }
});

describe('missing and malformed statement ids', () => {
  // A test suite run against a real cluster (ballerina-platform/module-ballerinax-aws.redshiftdata,
  // ballerina/tests/get_statement_result_test.bal) expects GetStatementResult of a well-formed but
  // unknown id to answer HTTP 400 "Query does not exist." (testIncorrectStatementId), not the
  // model's ResourceNotFoundException (404); 400 makes it a ValidationException. DescribeStatement
  // (and CancelStatement, operations.test.mjs) are expected to answer alike.
  it('GetStatementResult of an unknown id: HTTP 400 "Query does not exist."', async () => {
    // The real test's id: well-formed ([a-z0-9] only) but never issued.
    const err = await rejectsWith(
      client.send(new GetStatementResultCommand({ Id: '70662acc-f334-46f8-b953-3a9546796d7k' })),
      { cls: ValidationException, status: 400, message: 'Query does not exist.' },
    );
    assert.equal(err.ResourceId, undefined);
  });

  it('DescribeStatement of an unknown id: HTTP 400 "Query does not exist."', async () => {
    await rejectsWith(client.send(new DescribeStatementCommand({ Id: randomUUID() })), {
      cls: ValidationException,
      status: 400,
      message: 'Query does not exist.',
    });
  });

  // The same suite's testInvalidStatementId: HTTP 400 whose message starts with this prefix.
  it('GetStatementResult of a malformed id: "id must satisfy regex pattern: ..."', async () => {
    await rejectsWith(client.send(new GetStatementResultCommand({ Id: 'InvalidStatementId' })), {
      cls: ValidationException,
      status: 400,
      message: /^id must satisfy regex pattern: /,
    });
  });
});

describe('GetStatementResult without a result set', () => {
  // Status and text as a test suite run against a real cluster expects them: HTTP 400 and this
  // message, for `DROP TABLE IF EXISTS ...` (ballerina-platform/module-ballerinax-aws.redshiftdata,
  // ballerina/tests/get_statement_result_test.bal, testNoQueryResult). 400 rules out
  // ResourceNotFoundException (404); ValidationException is the model's 400 error for it.
  const NO_RESULT =
    /^Query does not have result\. Please check query status with DescribeStatement\.$/;

  it('of a statement that returns no rows', async () => {
    const { id } = await runOk(client, 'set search_path to public');
    await rejectsWith(client.send(new GetStatementResultCommand({ Id: id })), {
      cls: ValidationException,
      status: 400,
      message: NO_RESULT,
    });
  });

  it('of a failed statement', async () => {
    const { id, desc } = await runSql(client, 'select 1/0');
    assert.equal(desc.Status, 'FAILED');
    await rejectsWith(client.send(new GetStatementResultCommand({ Id: id })), {
      cls: ValidationException,
      status: 400,
      message: NO_RESULT,
    });
  });
});

describe('authentication', () => {
  const { accessKeyId, secretAccessKey, sessionToken } = stack.tempCredentials;
  const AMZ = String.raw`\d{8}T\d{6}Z`; // an X-Amz-Date

  it('a wrong secret: InvalidSignatureException with the signature mismatch text', async () => {
    const c = otherClient({
      credentials: { ...stack.credentials, secretAccessKey: 'not-the-secret' },
    });
    const err = await rejectsWith(c.send(new ListDatabasesCommand({ ...target })), {
      name: 'InvalidSignatureException',
      status: 400,
    });
    assert.ok(
      err.message.startsWith(
        'The request signature we calculated does not match the signature you provided. ' +
          'Check your AWS Secret Access Key and signing method. ' +
          'Consult the service documentation for details.',
      ),
      err.message,
    );
  });

  // The SDK never sends a malformed Authorization header, so one is made after it signed.
  it('an Authorization header without Signature: IncompleteSignatureException', async () => {
    const c = otherClient();
    c.middlewareStack.addRelativeTo(
      (next) => async (args) => {
        const h = args.request.headers;
        h.authorization = h.authorization.replace(/, Signature=[0-9a-f]+$/, '');
        return next(args);
      },
      { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'dropSignature' },
    );
    await rejectsWith(c.send(new ListDatabasesCommand({ ...target })), {
      name: 'IncompleteSignatureException',
      status: 400,
      message: /^Authorization header requires 'Signature' parameter\./,
    });
  });

  it('an unknown access key: UnrecognizedClientException', async () => {
    const c = otherClient({
      credentials: { accessKeyId: 'AKIDREDWIRENOSUCHKEY', secretAccessKey: 'whatever' },
    });
    await rejectsWith(c.send(new ListDatabasesCommand({ ...target })), {
      name: 'UnrecognizedClientException',
      status: 400,
      message: 'The security token included in the request is invalid.',
    });
  });

  it('a temporary key without its session token: UnrecognizedClientException', async () => {
    const c = otherClient({ credentials: { accessKeyId, secretAccessKey } });
    await rejectsWith(c.send(new ListDatabasesCommand({ ...target })), {
      name: 'UnrecognizedClientException',
      status: 400,
      message: 'The security token included in the request is invalid.',
    });
  });

  it('a temporary key with a wrong session token: UnrecognizedClientException', async () => {
    const c = otherClient({
      credentials: { accessKeyId, secretAccessKey, sessionToken: `${sessionToken}x` },
    });
    await rejectsWith(c.send(new ListDatabasesCommand({ ...target })), {
      name: 'UnrecognizedClientException',
      status: 400,
      message: 'The security token included in the request is invalid.',
    });
  });

  it('a temporary key with its session token works', async () => {
    const c = otherClient({ credentials: { accessKeyId, secretAccessKey, sessionToken } });
    const out = await c.send(new ListDatabasesCommand({ ...target }));
    assert.ok(out.Databases.includes(stack.database));
  });

  it('a permanent key with a session token: UnrecognizedClientException', async () => {
    const c = otherClient({
      credentials: { ...stack.credentials, sessionToken: 'not-for-this-key' },
    });
    await rejectsWith(c.send(new ListDatabasesCommand({ ...target })), {
      name: 'UnrecognizedClientException',
      status: 400,
    });
  });

  it('a signature scoped to another region: InvalidSignatureException', async () => {
    const c = otherClient({ region: 'eu-west-1' });
    await rejectsWith(c.send(new ListDatabasesCommand({ ...target })), {
      name: 'InvalidSignatureException',
      status: 400,
      message: /^Credential should be scoped to a valid region/,
    });
  });

  it('a request signed 20 minutes ago: "Signature expired"', async () => {
    const c = otherClient({ systemClockOffset: -20 * 60 * 1000 });
    await rejectsWith(c.send(new ListDatabasesCommand({ ...target })), {
      name: 'InvalidSignatureException',
      status: 400,
      message: new RegExp(
        `^Signature expired: ${AMZ} is now earlier than ${AMZ} \\(${AMZ} - 15 min\\.\\)$`,
      ),
    });
  });

  it("the SDK corrects its clock from the error's Date header and its retry succeeds", async () => {
    const c = otherClient({ systemClockOffset: -20 * 60 * 1000, maxAttempts: 2 });
    const out = await c.send(new ListDatabasesCommand({ ...target }));
    assert.equal(out.$metadata.attempts, 2);
    assert.ok(Math.abs(c.config.systemClockOffset) < 60_000, 'offset corrected to about 0');
  });
});
