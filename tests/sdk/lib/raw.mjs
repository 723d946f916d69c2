// Raw Data API calls: signed with AWS's own signer (@smithy/signature-v4), sent with node:http,
// answered as the exact bytes the emulator wrote. The SDK turns longValue into a JS number (and so
// loses int8 precision beyond 2^53); only the raw body shows what went over the wire.

import http from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { stack } from './env.mjs';

// Sends `body` (an object, serialized here) to RedshiftData.<op>.
// Returns { status, headers, text, json } (json undefined when the body is not JSON).
export async function rawCall(op, body, { credentials = stack.credentials } = {}) {
  const url = new URL(stack.url);
  const payload = JSON.stringify(body);
  const request = new HttpRequest({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: '/',
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'content-length': String(Buffer.byteLength(payload)),
      'x-amz-target': `RedshiftData.${op}`,
    },
    body: payload,
  });
  const signer = new SignatureV4({
    credentials,
    region: stack.region,
    service: 'redshift-data',
    sha256: Sha256,
  });
  const signed = await signer.sign(request);
  return send(url, signed.headers, payload);
}

function send(url, headers, payload) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: 'POST', path: '/', headers },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
