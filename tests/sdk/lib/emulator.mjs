// The emulator's control endpoints (unsigned, under /_emulator/; tests/emulator/README.md).

import assert from 'node:assert/strict';
import { stack } from './env.mjs';

async function control(method, path, body) {
  const res = await fetch(`${stack.url}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `${method} /_emulator/${path} -> HTTP ${res.status}: ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

export function getStats() {
  return control('GET', 'stats');
}

export function resetStats() {
  return control('POST', 'reset-stats');
}

// Replaces every fault setting (names as the emulator's flags); members left out are off.
export function setFaults(settings) {
  return control('POST', 'faults', settings);
}

export function clearFaults() {
  return setFaults({});
}

export function health() {
  return control('GET', 'health');
}
