/*
 * test_emulator_client.h — a small signed Data API client for the emulator's stack tests:
 * libcurl for HTTP, redwire_auth for SigV4, with knobs to break every part of a request (the
 * things AWS's SDKs never send).
 */
#ifndef REDWIRE_TEST_EMULATOR_CLIENT_H
#define REDWIRE_TEST_EMULATOR_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

typedef struct tc_key {
  const char *akid;
  const char *secret;
  const char *token; /* NULL for a permanent key */
} tc_key;

/* Ways to spoil a request; zero = a correct request. */
typedef struct tc_opts {
  const tc_key *key;          /* NULL: the client's default key */
  const char *sign_secret;    /* sign with this secret instead of the key's */
  const char *region;         /* scope region (default: the client's) */
  const char *service;        /* scope service (default redshift-data) */
  int64_t clock_skew_s;       /* X-Amz-Date = now + skew */
  bool no_auth;               /* send no Authorization header */
  const char *authorization;  /* send this Authorization value verbatim */
  const char *tamper_body;    /* send this body instead of the signed one */
  const char *tamper_target;  /* send this X-Amz-Target instead of the signed one */
  const char *extra_unsigned; /* an extra header line added after signing ("X-Foo: bar") */
  const char *target;         /* X-Amz-Target value override (signed) */
  const char *send_token;     /* send (and sign) this X-Amz-Security-Token */
} tc_opts;

typedef struct tc_resp {
  long status;    /* 0 when the connection failed or was dropped */
  int curl_error; /* CURLcode */
  char *body;     /* malloc'd, NUL-terminated */
  size_t len;
  cJSON *json; /* parsed body or NULL */
  double ms;   /* elapsed */
} tc_resp;

typedef struct tc_client {
  char url[256];
  char region[64];
  tc_key key;
  tc_key temp_key;
  char workgroup[128];
} tc_client;

/* From the stack environment (EMULATOR_URL, AWS_*, REDWIRE_TEST_*). False when it is missing. */
bool tc_init(tc_client *c);

/* POSTs body to op ("ExecuteStatement") signed as opts say (NULL: correctly). */
void tc_call(const tc_client *c, const char *op, const char *body, const tc_opts *opts,
             tc_resp *out);
/* An unsigned request to a control path ("/_emulator/stats"); body NULL for GET. */
void tc_control(const tc_client *c, const char *path, const char *body, tc_resp *out);
void tc_resp_free(tc_resp *r);

/* Helpers over the parsed answer. */
const char *tc_str(const cJSON *obj, const char *name);
double tc_num(const cJSON *obj, const char *name);
const char *tc_error_type(const tc_resp *r);
const char *tc_error_message(const tc_resp *r);

/* Runs a statement (ExecuteStatement with extra JSON members `extra`, e.g. "\"SessionId\":\"..\"")
 * and waits for a terminal status with DescribeStatement; returns the statement id in id_out and
 * the final description in desc (caller frees). */
bool tc_run(const tc_client *c, const char *sql, const char *extra, char id_out[64], tc_resp *desc);

#endif
