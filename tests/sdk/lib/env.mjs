// The stack's environment (written by `tests/stack up`, loaded by tests/with-stack-env).
//
// A missing variable throws while the test file is being imported, so node --test reports the
// file as FAILED: a fidelity suite that silently skips when its emulator is absent proves nothing.

function required(name) {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(
      `${name} is not set: run these tests through ctest (tests/with-stack-env loads the stack's ` +
        `env file) or '. <state-dir>/env' after 'tests/stack up'`,
    );
  }
  return value;
}

const emulatorUrl = new URL(required('EMULATOR_URL'));
if (emulatorUrl.protocol !== 'http:' && emulatorUrl.protocol !== 'https:') {
  throw new Error(`EMULATOR_URL must be an http(s) URL, got ${emulatorUrl.href}`);
}

export const stack = Object.freeze({
  // Without the trailing slash, so `${stack.url}/_emulator/stats` is well formed.
  url: emulatorUrl.origin,
  region: required('AWS_REGION'),
  credentials: Object.freeze({
    accessKeyId: required('AWS_ACCESS_KEY_ID'),
    secretAccessKey: required('AWS_SECRET_ACCESS_KEY'),
  }),
  // A key the emulator accepts only together with its session token.
  tempCredentials: Object.freeze({
    accessKeyId: required('REDWIRE_TEST_TEMP_ACCESS_KEY_ID'),
    secretAccessKey: required('REDWIRE_TEST_TEMP_SECRET_ACCESS_KEY'),
    sessionToken: required('REDWIRE_TEST_TEMP_SESSION_TOKEN'),
  }),
  workgroup: required('REDWIRE_TEST_WORKGROUP'),
  database: required('PGDATABASE_DIRECT'),
});

// Names of tables, schemas and statements created by one test process. The stack is shared by
// every ctest test (possibly running in parallel), so each process works in its own namespace.
// Lower case only: unquoted SQL identifiers fold to lower case.
export const runTag = `${process.pid.toString(36)}${Date.now().toString(36)}`;
