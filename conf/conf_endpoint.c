/* conf_endpoint.c — the Data API endpoint for a region, following AWS's endpoint rule set for
 * redshift-data (botocore endpoint-rule-set-1.json) and the partition table (partitions.json),
 * as summarised in dataapi.md §1.3. The rule set is small enough to write out as code; the test
 * runs AWS's own endpoint-tests-1.json against it.
 */
#include "conf_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct partition {
  const char *id;
  const char *const *prefixes; /* regionRegex is ^(PREFIX)-\w+-\d+$ for one of these */
  const char *global_region;   /* listed by name in the partition's "regions" */
  const char *dns_suffix;
  const char *dualstack_suffix;
  bool supports_fips;
  bool supports_dualstack;
} partition;

static const char *const aws_prefixes[] = {"us", "eu", "ap", "sa", "ca",
                                           "me", "af", "il", "mx", NULL};
static const char *const cn_prefixes[] = {"cn", NULL};
static const char *const gov_prefixes[] = {"us-gov", NULL};
static const char *const iso_prefixes[] = {"us-iso", NULL};
static const char *const isob_prefixes[] = {"us-isob", NULL};
static const char *const isoe_prefixes[] = {"eu-isoe", NULL};
static const char *const isof_prefixes[] = {"us-isof", NULL};
static const char *const eusc_prefixes[] = {"eusc-de", NULL};

/* The current partitions.json marks every partition as supporting FIPS and dual-stack (older
 * copies said no dual-stack for the ISO partitions, with the plain DNS suffix). */
static const partition partitions[] = {
    {"aws", aws_prefixes, "aws-global", "amazonaws.com", "api.aws", true, true},
    {"aws-cn", cn_prefixes, "aws-cn-global", "amazonaws.com.cn", "api.amazonwebservices.com.cn",
     true, true},
    {"aws-us-gov", gov_prefixes, "aws-us-gov-global", "amazonaws.com", "api.aws", true, true},
    {"aws-iso", iso_prefixes, "aws-iso-global", "c2s.ic.gov", "api.aws.ic.gov", true, true},
    {"aws-iso-b", isob_prefixes, "aws-iso-b-global", "sc2s.sgov.gov", "api.aws.scloud", true, true},
    {"aws-iso-e", isoe_prefixes, NULL, "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", true, true},
    {"aws-iso-f", isof_prefixes, NULL, "csp.hci.ic.gov", "api.aws.hci.ic.gov", true, true},
    {"aws-eusc", eusc_prefixes, NULL, "amazonaws.eu", "api.amazonwebservices.eu", true, true},
};
#define N_PARTITIONS (sizeof(partitions) / sizeof(partitions[0]))

static bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* region =~ ^PREFIX-\w+-\d+$ (\w has no '-', so exactly one '-' splits the rest). */
static bool matches(const char *region, const char *prefix) {
  size_t n = strlen(prefix);
  if (strncmp(region, prefix, n) != 0 || region[n] != '-')
    return false;
  const char *p = region + n + 1;
  const char *start = p;
  while (is_word(*p))
    p++;
  if (p == start || *p != '-')
    return false;
  start = ++p;
  while (*p >= '0' && *p <= '9')
    p++;
  return p != start && *p == '\0';
}

/* aws.partition(): a region listed by name, else the first regex match, else "aws". */
static const partition *partition_of(const char *region) {
  for (size_t i = 0; i < N_PARTITIONS; i++)
    if (partitions[i].global_region != NULL && strcmp(region, partitions[i].global_region) == 0)
      return &partitions[i];
  for (size_t i = 0; i < N_PARTITIONS; i++)
    for (const char *const *p = partitions[i].prefixes; *p != NULL; p++)
      if (matches(region, *p))
        return &partitions[i];
  return &partitions[0];
}

static bool is_set(const char *s) {
  return s != NULL && *s != '\0';
}

conf_rc conf_endpoint_resolve(const char *region, bool use_fips, bool use_dualstack,
                              const char *endpoint, char *buf, size_t cap, const char **err) {
  *err = NULL;
  int n;
  if (is_set(endpoint)) {
    if (use_fips) {
      *err = "Invalid Configuration: FIPS and custom endpoint are not supported";
      return CONF_EINVAL;
    }
    if (use_dualstack) {
      *err = "Invalid Configuration: Dualstack and custom endpoint are not supported";
      return CONF_EINVAL;
    }
    n = snprintf(buf, cap, "%s", endpoint);
  } else {
    if (!is_set(region)) {
      *err = "Invalid Configuration: Missing Region";
      return CONF_EINVAL;
    }
    /* Not in AWS's rules (the SDKs validate the region elsewhere), but the region becomes part of
     * a host name here, so it must be a DNS label. */
    if (conf__check_region(region) != NULL) {
      *err = "Invalid Configuration: Region is not a valid host label";
      return CONF_EINVAL;
    }
    const partition *p = partition_of(region);
    if (use_fips && use_dualstack && !(p->supports_fips && p->supports_dualstack)) {
      *err = "FIPS and DualStack are enabled, but this partition does not support one or both";
      return CONF_EINVAL;
    }
    if (use_fips && !p->supports_fips) {
      *err = "FIPS is enabled but this partition does not support FIPS";
      return CONF_EINVAL;
    }
    if (use_dualstack && !p->supports_dualstack) {
      *err = "DualStack is enabled but this partition does not support DualStack";
      return CONF_EINVAL;
    }
    n = snprintf(buf, cap, "https://redshift-data%s.%s.%s", use_fips ? "-fips" : "", region,
                 use_dualstack ? p->dualstack_suffix : p->dns_suffix);
  }
  if (n < 0 || (size_t)n >= cap) {
    if (cap > 0)
      buf[0] = '\0';
    *err = "endpoint URL longer than the buffer";
    return CONF_ETOOBIG;
  }
  return CONF_OK;
}

conf_rc conf_sts_endpoint_for(const conf_settings *s, char *buf, size_t cap, const char **err) {
  *err = NULL;
  int n;
  if (is_set(s->aws.sts_endpoint)) {
    n = snprintf(buf, cap, "%s", s->aws.sts_endpoint);
  } else {
    const char *region = s->aws.region;
    if (!is_set(region)) {
      *err = "Invalid Configuration: Missing Region";
      return CONF_EINVAL;
    }
    if (conf__check_region(region) != NULL) {
      *err = "Invalid Configuration: Region is not a valid host label";
      return CONF_EINVAL;
    }
    const partition *p = partition_of(region);
    bool fips = s->aws.use_fips && p->supports_fips;
    n = snprintf(buf, cap, "https://sts%s.%s.%s", fips ? "-fips" : "", region, p->dns_suffix);
  }
  if (n < 0 || (size_t)n >= cap) {
    if (cap > 0)
      buf[0] = '\0';
    *err = "endpoint URL longer than the buffer";
    return CONF_ETOOBIG;
  }
  return CONF_OK;
}

conf_rc conf_endpoint_for(const conf_settings *s, const char *region, char *buf, size_t cap,
                          const char **err) {
  return conf_endpoint_resolve(region != NULL ? region : s->aws.region, s->aws.use_fips,
                               s->aws.use_dualstack, s->aws.endpoint, buf, cap, err);
}
