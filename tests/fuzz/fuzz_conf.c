/* libFuzzer target: arbitrary bytes as a config file, through the INI parser, every setting's
 * value parser, [databases] specs and the cross-checks. Checks that nothing crashes or leaks and
 * that the results keep their invariants. %include is refused (the input must not pull files).
 *
 * Build: cmake -S . -B build-fuzz -DREDWIRE_FUZZ=ON -DCMAKE_C_COMPILER=clang
 *        cmake --build build-fuzz --target fuzz_conf
 * Run:   build-fuzz/tests/conf/fuzz_conf -max_total_time=60 tests/fuzz/corpus/conf
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_invariants(const conf_diags *d, const conf_settings *s) {
  if (d->count > CONF_DIAG_MAX || d->count + d->dropped != d->errors + d->warnings)
    abort();
  for (size_t i = 0; i < d->count; i++) {
    const char *t = d->items[i].text;
    size_t n = strnlen(t, sizeof(d->items[i].text));
    if (n == 0 || n == sizeof(d->items[i].text))
      abort();
    for (size_t j = 0; j < n; j++)
      if ((unsigned char)t[j] < 0x20 || t[j] == 0x7f)
        abort();
  }
  if (s == NULL)
    return;
  for (size_t i = 0; i < conf__setting_count(); i++) {
    const conf__setting *row = conf__setting_at(i);
    if (row->type == CONF__T_STRING) {
      const char *p;
      memcpy(&p, (const char *)s + row->offset, sizeof(p));
      if (p == NULL)
        abort();
    }
  }
  if (s->redwire.client_output_low_water >= s->redwire.client_output_high_water ||
      s->aws.wait_time_seconds < 1 || s->aws.wait_time_seconds > 30 ||
      s->redwire.client_tls_protocols == 0)
    abort();
  for (size_t i = 0; i < s->n_databases; i++) {
    const conf_database *db = &s->databases[i];
    if (db->name[0] == '\0' || db->target[0] == '\0')
      abort();
    char url[512];
    const char *err = NULL;
    /* Validation resolved every database's endpoint already: it must resolve again. */
    if (conf_endpoint_for(s, conf_database_region(s, db), url, sizeof(url), &err) != CONF_OK)
      abort();
    if (conf_database_find(s, db->name) != db)
      abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static conf_diags diags; /* large; static keeps it off the fuzzer's stack */
  conf_diags_init(&diags);
  conf__ctx ctx;
  if (conf__ctx_init(&ctx, &diags) != CONF_OK)
    return 0;
  ctx.allow_include = false;
  conf__apply_defaults(&ctx);
  if (diags.count != 0)
    abort(); /* the built-in defaults must always parse */
  conf__load_text(&ctx, "fuzz.ini", (const char *)data, size, 0, CONF__SEC_NONE);
  if (!ctx.oom && diags.errors == 0)
    conf__validate(&ctx);
  conf__ctx_finish(&ctx);
  bool ok = !ctx.oom && diags.errors == 0;
  check_invariants(&diags, ok ? ctx.s : NULL);
  conf__ctx_free(&ctx);
  return 0;
}
