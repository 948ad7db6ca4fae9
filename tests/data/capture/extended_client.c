/* Extended-protocol workload for record.sh: sends Parse/Bind/Execute with parameters that
 * are hard to log and parse back (a quote, a newline, a comma, unicode, NULL), a named
 * prepared statement executed twice, an error at Execute and an error at Bind.
 * Built and run by record.sh only; it is not part of pgshadow. */
#include <stdio.h>
#include <stdlib.h>
#include <libpq-fe.h>

static void run(PGconn *conn, const char *sql, int n, const char *const *values) {
  PGresult *res = PQexecParams(conn, sql, n, NULL, values, NULL, NULL, 0);
  ExecStatusType st = PQresultStatus(res);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
    fprintf(stderr, "expected failure or bug: %s", PQerrorMessage(conn));
  PQclear(res);
}

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: extended_client CONNINFO\n"); return 2; }
  PGconn *conn = PQconnectdb(argv[1]);
  if (PQstatus(conn) != CONNECTION_OK) { fprintf(stderr, "%s", PQerrorMessage(conn)); return 1; }

  const char *quote_and_null[] = {"it's", NULL};
  run(conn, "SELECT $1::text AS quoted, $2::text AS missing", 2, quote_and_null);
  const char *newline_comma[] = {"line1\nline2, with comma"};
  run(conn, "SELECT length($1::text)", 1, newline_comma);
  const char *unicode[] = {"h\xc3\xa9llo \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac"};
  run(conn, "INSERT INTO capture_t (id, v) VALUES (100, $1)", 1, unicode);

  PGresult *prep = PQprepare(conn, "by_id", "SELECT v FROM capture_t WHERE id = $1", 1, NULL);
  PQclear(prep);
  const char *one[] = {"1"};
  const char *two[] = {"2"};
  PGresult *r1 = PQexecPrepared(conn, "by_id", 1, one, NULL, NULL, 0);
  PQclear(r1);
  PGresult *r2 = PQexecPrepared(conn, "by_id", 1, two, NULL, NULL, 0);
  PQclear(r2);

  const char *zero[] = {"0"};
  /* fails at Execute (a column divided, so the planner cannot fold it at Bind): 22012 */
  run(conn, "SELECT id / $1::int FROM capture_t", 1, zero);

  /* fails at Bind: the parameter is declared int4, its text is not an integer (22P02) */
  const Oid int4[] = {23};
  const char *not_int[] = {"abc"};
  PGresult *bad = PQexecParams(conn, "SELECT $1 + 1", 1, int4, not_int, NULL, NULL, 0);
  PQclear(bad);

  PQfinish(conn);
  return 0;
}
