/* px_ext_int.h — internal to px_ext*.c: the connection's statements, portals and SQL cursors
 * (px_ext_objects.c), shared with the message handlers (px_ext.c). */
#ifndef PX_EXT_INT_H
#define PX_EXT_INT_H

#include "px_conn.h"

void px_ext__cols_free(px_ext_cols *k);
/* Copies n columns (names included) into k; false when out of memory (k then empty). */
bool px_ext__cols_copy(px_ext_cols *k, const px_column *cols, uint32_t n, bool has_rows);
void px_ext__stmt_free(px_ext_stmt *s);
void px_ext__portal_free(px_ext_portal *p);
/* By name ("" = the unnamed one); NULL when there is none. */
px_ext_stmt *px_ext__find_stmt(px_conn *c, const char *name);
px_ext_portal *px_ext__find_portal(px_conn *c, const char *name);
px_ext_cursor *px_ext__find_cursor(px_conn *c, const char *name);
/* Removes and frees the one of that name; false when there was none. */
bool px_ext__drop_stmt(px_conn *c, const char *name);
void px_ext__drop_portal(px_conn *c, const char *name);
/* The transaction ended: every portal but keep (NULL: every portal) ends with it. */
void px_ext__drop_portals(px_conn *c, const px_ext_portal *keep);
/* The zero-row form that describes query q[0..len) without running it (malloc'd; NULL when out
 * of memory): "SELECT * FROM (\n<q>\n) AS redwire_describe LIMIT 0". */
char *px_ext__zero_row_sql(const char *q, size_t len);

#endif
