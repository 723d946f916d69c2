#!/usr/bin/python3
"""fake_metadata.py — the two AWS metadata endpoints redwire's credential chain reads, on
loopback, for the e2e tests (tests/e2e/e2e_creds.sh):

  * IMDSv2: PUT /latest/api/token (needs X-aws-ec2-metadata-token-ttl-seconds), then
    GET /latest/meta-data/iam/security-credentials/ and .../<role> with X-aws-ec2-metadata-token
    (401 without a valid token, as EC2 does with IMDSv2 required);
  * the ECS/EKS container credentials endpoint: GET /container/<anything>, which requires
    Authorization to equal --container-token (403 otherwise).

The credentials it hands out are real temporary keys of the emulator: it mints them with the
emulator's STS (AssumeRoleWithWebIdentity, roles imds-role and container-role), so the Data API
accepts them and the emulator reports which role signed each call.

  fake_metadata.py --emulator URL --port-file FILE [--container-token T]

GET /_fake/stats answers {"token_puts":n,"imds_creds":n,"container_creds":n,"refused":n}.
"""
import argparse
import http.server
import json
import os
import secrets
import threading
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

NS = "{https://sts.amazonaws.com/doc/2011-06-15/}"
IMDS_ROLE = "redwire-imds-role"


def mint(emulator, role):
    body = urllib.parse.urlencode({
        "Action": "AssumeRoleWithWebIdentity",
        "Version": "2011-06-15",
        "RoleArn": "arn:aws:iam::123456789012:role/" + role,
        "RoleSessionName": "fake-metadata",
        "WebIdentityToken": "e30.e30.fake",
    }).encode()
    req = urllib.request.Request(emulator + "/", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    with urllib.request.urlopen(req, timeout=10) as r:
        root = ET.fromstring(r.read())
    c = root.find(f"{NS}AssumeRoleWithWebIdentityResult/{NS}Credentials")
    return {k: c.find(NS + k).text for k in
            ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration")}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the test reads /_fake/stats
        pass

    def answer(self, status, body, ctype="text/plain"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def count(self, key):
        with self.server.lock:
            self.server.stats[key] += 1

    def do_PUT(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        if self.path != "/latest/api/token" or \
                not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            self.count("refused")
            return self.answer(400, "bad token request")
        token = "imds-" + secrets.token_hex(16)
        with self.server.lock:
            self.server.tokens.add(token)
        self.count("token_puts")
        self.answer(200, token)

    def do_GET(self):
        p = self.path
        if p == "/_fake/stats":
            with self.server.lock:
                return self.answer(200, json.dumps(self.server.stats), "application/json")
        prefix = "/latest/meta-data/iam/security-credentials/"
        if p.startswith(prefix):
            with self.server.lock:
                ok = self.headers.get("X-aws-ec2-metadata-token") in self.server.tokens
            if not ok:
                self.count("refused")
                return self.answer(401, "")
            role = p[len(prefix):]
            if role == "":
                return self.answer(200, IMDS_ROLE + "\n")
            if role != IMDS_ROLE:
                return self.answer(404, "")
            c = mint(self.server.emulator, "imds-role")
            self.count("imds_creds")
            return self.answer(200, json.dumps({
                "Code": "Success", "LastUpdated": "2026-01-01T00:00:00Z", "Type": "AWS-HMAC",
                "AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
                "Token": c["SessionToken"], "Expiration": c["Expiration"]}), "text/plain")
        if p.startswith("/container/"):
            want = self.server.container_token
            if want is not None and self.headers.get("Authorization") != want:
                self.count("refused")
                return self.answer(403, json.dumps({"code": "AccessDenied"}), "application/json")
            c = mint(self.server.emulator, "container-role")
            self.count("container_creds")
            return self.answer(200, json.dumps({
                "RoleArn": "arn:aws:iam::123456789012:role/container-role",
                "AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
                "Token": c["SessionToken"], "Expiration": c["Expiration"]}), "application/json")
        self.answer(404, "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--container-token")
    a = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.emulator = a.emulator.rstrip("/")
    srv.container_token = a.container_token
    srv.lock = threading.Lock()
    srv.tokens = set()
    srv.stats = {"token_puts": 0, "imds_creds": 0, "container_creds": 0, "refused": 0}
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, a.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
