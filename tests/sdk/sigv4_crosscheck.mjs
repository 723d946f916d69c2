// sigv4_crosscheck.mjs — signs random, reproducible Data API-shaped requests with AWS's own signer
// (@smithy/signature-v4, the one inside @aws-sdk/client-redshift-data) and writes one JSON object
// per line, for tests/auth/sigv4_crosscheck.c to re-sign with redwire's signer.
//
// Usage: node sigv4_crosscheck.mjs --out FILE [--count N] [--seed S]
//
// Each line: {id, unix_ms, amz_date, region, service, access_key_id, secret_access_key,
// session_token (string or null), method, path, headers: [[name, value], ...] as sent (without
// Authorization), body_b64, signed_all, authorization}. With signed_all the signer was told to sign
// every header (redwire's auth_sigv4_authorization does); without, it used the SDK's defaults, which
// leave out user-agent and other unsignable headers (what the emulator receives from the real SDK).
//
// Packages resolve from this file's directory (tests/sdk/node_modules), whatever the working
// directory.
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { writeFileSync } from "node:fs";

const OPERATIONS = [
  "BatchExecuteStatement", "CancelStatement", "DescribeStatement", "DescribeTable",
  "ExecuteStatement", "GetStatementResult", "GetStatementResultV2", "ListDatabases",
  "ListSchemas", "ListSessions", "ListStatements", "ListTables",
];
const REGIONS = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "eu-central-2",
  "eu-north-1", "ap-northeast-1", "ap-southeast-2", "ap-southeast-4", "ap-south-1", "sa-east-1",
  "ca-central-1", "me-central-1", "il-central-1", "af-south-1", "cn-north-1", "cn-northwest-1",
  "us-gov-west-1",
];

function parseArgs(argv) {
  const args = { count: 400, seed: 20150830, out: null };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`missing value after ${flag}`);
    if (flag === "--out") args.out = value;
    else if (flag === "--count") args.count = Number.parseInt(value, 10);
    else if (flag === "--seed") args.seed = Number.parseInt(value, 10);
    else throw new Error(`unknown argument ${flag}`);
  }
  if (!args.out || !(args.count > 0) || !Number.isSafeInteger(args.seed)) {
    throw new Error("usage: node sigv4_crosscheck.mjs --out FILE [--count N] [--seed S]");
  }
  return args;
}

// mulberry32: a tiny 32-bit PRNG; the same seed gives the same vectors on every machine.
function makeRng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)); // inclusive
  const pick = (list) => list[int(0, list.length - 1)];
  const chance = (p) => next() < p;
  const chars = (alphabet, n) => Array.from({ length: n }, () => pick(alphabet)).join("");
  return { next, int, pick, chance, chars };
}

const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX = "0123456789abcdef";

// Text pieces for SQL and parameter values: ASCII, the JSON escapes, and Unicode from every UTF-8
// length (2, 3 and 4 bytes, the last as surrogate pairs in JavaScript).
const PIECES = [
  "select", " ", "*", "from", "t", "where", "a", "=", ":p1", ";", "'", "''", "\"", "\\", "/",
  "\n", "\r\n", "\t", "\u0001", "\u001f", "\u007f", "é", "ü", "ß", "Ω", "Ж", "ש", "ع", "中文",
  "日本語", "한국어", "€", "\u2028", "\u2029", "\ufeff", "😀", "𝄞", "🇩🇪", "\u{10ffff}", "%", "+",
  "&", "=", "?", "#", "<", ">", "{", "}", "[", "]", "0", "-1.5e10",
];

function randomText(rng, maxPieces) {
  let s = "";
  const n = rng.int(0, maxPieces);
  for (let i = 0; i < n; i++) s += rng.pick(PIECES);
  return s;
}

// Serialises a JSON string, sometimes writing non-ASCII characters as \uXXXX escapes and "/" as
// "\/": both are valid JSON that signers hash as sent, so the body bytes vary beyond what
// JSON.stringify would produce.
function jsonString(rng, s) {
  const escapeUnicode = rng.chance(0.3);
  let out = "";
  for (const ch of JSON.stringify(s).slice(1, -1).match(/\\u[0-9a-fA-F]{4}|\\.|[\s\S]/gu) ?? []) {
    const cp = ch.codePointAt(0);
    if (escapeUnicode && ch.length > 0 && cp > 0x7f) {
      for (let i = 0; i < ch.length; i++) {
        const unit = ch.charCodeAt(i).toString(16).padStart(4, "0");
        out += rng.chance(0.5) ? `\\u${unit}` : `\\u${unit.toUpperCase()}`;
      }
    } else if (ch === "/" && rng.chance(0.5)) {
      out += "\\/";
    } else {
      out += ch;
    }
  }
  return `"${out}"`;
}

function jsonValue(rng, v) {
  const ws = () => (rng.chance(0.2) ? rng.pick([" ", "\n", "\t", "  ", "\r\n"]) : "");
  if (typeof v === "string") return jsonString(rng, v);
  if (Array.isArray(v)) return `[${ws()}${v.map((x) => jsonValue(rng, x)).join(`,${ws()}`)}${ws()}]`;
  if (v !== null && typeof v === "object") {
    const members = Object.entries(v).map(([k, x]) => `${ws()}${jsonString(rng, k)}${ws()}:${ws()}${jsonValue(rng, x)}`);
    return `{${members.join(",")}${ws()}}`;
  }
  return JSON.stringify(v);
}

function uuid(rng) {
  const h = (n) => rng.chars(HEX, n);
  return `${h(8)}-${h(4)}-4${h(3)}-${rng.pick("89ab")}${h(3)}-${h(12)}`;
}

// An input shaped like the operation's (members from the Data API model).
function randomInput(rng, op) {
  const target = () =>
    rng.chance(0.5)
      ? { ClusterIdentifier: `cluster-${rng.int(1, 99)}`, Database: "dev", DbUser: `user_${randomText(rng, 2)}` }
      : { WorkgroupName: `wg-${rng.int(1, 99)}`, Database: randomText(rng, 3) || "dev" };
  const params = () =>
    Array.from({ length: rng.int(1, 4) }, (_, i) => ({ name: `p${i + 1}`, value: randomText(rng, 6) || "x" }));
  switch (op) {
    case "ExecuteStatement": {
      const input = { Sql: randomText(rng, 30), ...target(), ClientToken: uuid(rng) };
      if (rng.chance(0.4)) input.Parameters = params();
      if (rng.chance(0.5)) input.SessionKeepAliveSeconds = rng.int(0, 86400);
      if (rng.chance(0.3)) input.WithEvent = rng.chance(0.5);
      if (rng.chance(0.3)) input.StatementName = randomText(rng, 4);
      return input;
    }
    case "BatchExecuteStatement":
      return { Sqls: Array.from({ length: rng.int(1, 5) }, () => randomText(rng, 12)), ...target(), ClientToken: uuid(rng) };
    case "DescribeStatement":
    case "CancelStatement":
      return { Id: uuid(rng) + (rng.chance(0.2) ? `:${rng.int(1, 40)}` : "") };
    case "GetStatementResult":
    case "GetStatementResultV2": {
      const input = { Id: uuid(rng) };
      if (rng.chance(0.5)) input.NextToken = rng.chars(B64, rng.int(20, 300));
      return input;
    }
    case "DescribeTable":
      return { ...target(), Schema: randomText(rng, 3), Table: randomText(rng, 3), MaxResults: rng.int(1, 1000) };
    case "ListDatabases":
    case "ListSchemas":
    case "ListTables":
      return rng.chance(0.2) ? {} : { ...target(), SchemaPattern: `${randomText(rng, 2)}%`, TablePattern: "%" };
    default:
      return rng.chance(0.5) ? {} : { MaxResults: rng.int(1, 100), Status: rng.pick(["ALL", "FINISHED", "FAILED"]), RoleLevel: rng.chance(0.5) };
  }
}

// Values with the whitespace the canonical form folds: leading, trailing and inner runs of spaces
// and tabs, and now and then an obsolete line fold.
function oddlySpaced(rng, words) {
  const gap = () => rng.pick([" ", "  ", "\t", " \t ", "   "]);
  let s = rng.chance(0.5) ? gap() : "";
  s += words.join(gap());
  if (rng.chance(0.5)) s += gap();
  if (rng.chance(0.1)) s += "\r\n " + rng.pick(words);
  return s;
}

function randomCase(rng, name) {
  // Random capitalisation of a header name; names never repeat, whatever their case.
  return rng.chance(0.5) ? name : name.replace(/(^|-)([a-z])/g, (_, d, c) => d + c.toUpperCase());
}

function hostFor(region) {
  return `redshift-data.${region}.${region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com"}`;
}

async function makeVector(rng, id) {
  const op = rng.pick(OPERATIONS);
  const region = rng.pick(REGIONS);
  // Any instant from 1971 to 2099, milliseconds included (the signer drops them).
  const unixMs = rng.int(31536000, 4102444799) * 1000 + rng.int(0, 999);
  const credentials = {
    accessKeyId: (rng.chance(0.5) ? "AKIA" : "ASIA") + rng.chars(UPPER_DIGITS, 16),
    secretAccessKey: rng.chars(B64, 40),
  };
  if (rng.chance(0.5)) {
    credentials.sessionToken = rng.chars(B64, rng.int(100, 900)) + rng.pick(["", "=", "=="]);
  }
  const body = rng.chance(0.05) ? "{}" : jsonValue(rng, randomInput(rng, op));
  const bodyBytes = Buffer.from(body, "utf8");

  const headers = {};
  const add = (name, value) => {
    headers[randomCase(rng, name)] = value;
  };
  add("host", hostFor(region));
  add("content-type", "application/x-amz-json-1.1");
  add("x-amz-target", `RedshiftData.${op}`);
  if (rng.chance(0.8)) add("content-length", String(bodyBytes.length));
  if (rng.chance(0.6)) add("amz-sdk-invocation-id", uuid(rng));
  if (rng.chance(0.6)) add("amz-sdk-request", oddlySpaced(rng, [`attempt=${rng.int(1, 3)};`, "max=3"]));
  if (rng.chance(0.6)) {
    add("user-agent", oddlySpaced(rng, ["aws-sdk-js/3.1169.0", "ua/2.1", "os/linux#6.1.0", "lang/js", "md/nodejs#20.20.2", "api/redshift-data#3.1169.0", "m/E,e"]));
  }
  if (rng.chance(0.5)) add("x-amz-user-agent", oddlySpaced(rng, ["aws-sdk-js/3.1169.0", "redwire/0.1"]));
  if (rng.chance(0.3)) add("accept", oddlySpaced(rng, ["application/json,", "*/*;q=0.8"]));
  if (rng.chance(0.2)) add("x-redwire-empty", "");
  if (rng.chance(0.2)) add("x-redwire-quoted", oddlySpaced(rng, ['"a', "b", 'c"']));

  const signer = new SignatureV4({
    credentials,
    region,
    service: "redshift-data",
    sha256: Sha256,
    applyChecksum: rng.chance(0.5), // adds x-amz-content-sha256 when true
  });
  const signedAll = rng.chance(0.5);
  const request = new HttpRequest({ method: "POST", protocol: "https:", hostname: hostFor(region), path: "/", headers, body });
  const options = { signingDate: new Date(unixMs) };
  if (signedAll) {
    // Override the SDK's list of unsignable headers (user-agent, ...) so that every header is
    // signed, as redwire's signer does with the headers it is given.
    options.signableHeaders = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
  }
  const signed = await signer.sign(request, options);
  let authorization = null;
  const sent = [];
  for (const [name, value] of Object.entries(signed.headers)) {
    if (name.toLowerCase() === "authorization") authorization = value;
    else sent.push([name, value]);
  }
  if (authorization === null) throw new Error(`vector ${id}: the signer added no Authorization header`);
  const amzDate = signed.headers["x-amz-date"];
  return {
    id,
    unix_ms: unixMs,
    amz_date: amzDate,
    region,
    service: "redshift-data",
    access_key_id: credentials.accessKeyId,
    secret_access_key: credentials.secretAccessKey,
    session_token: credentials.sessionToken ?? null,
    method: "POST",
    path: "/",
    headers: sent,
    body_b64: bodyBytes.toString("base64"),
    signed_all: signedAll,
    authorization,
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const rng = makeRng(args.seed);
  const lines = [];
  for (let i = 0; i < args.count; i++) lines.push(JSON.stringify(await makeVector(rng, i)));
  writeFileSync(args.out, lines.join("\n") + "\n");
  console.log(`sigv4_crosscheck.mjs: wrote ${lines.length} vectors (seed ${args.seed}) to ${args.out}`);
}

main().catch((err) => {
  console.error(`sigv4_crosscheck.mjs: ${err.stack ?? err}`);
  process.exit(1);
});
