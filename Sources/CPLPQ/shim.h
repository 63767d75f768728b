#ifndef CPLPQ_SHIM_H
#define CPLPQ_SHIM_H
#include <libpq-fe.h>

/// The error fields are character-literal macros, which Swift does not import reliably.
static inline int cpl_pq_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }
static inline int cpl_pq_diag_message_primary(void) { return PG_DIAG_MESSAGE_PRIMARY; }
static inline int cpl_pq_diag_message_detail(void) { return PG_DIAG_MESSAGE_DETAIL; }
static inline int cpl_pq_diag_message_hint(void) { return PG_DIAG_MESSAGE_HINT; }
static inline int cpl_pq_diag_context(void) { return PG_DIAG_CONTEXT; }

/// A notice processor that drops notices: libpq's default prints them on standard error,
/// where `CREATE … IF NOT EXISTS` and identifier truncation notices would interleave with the
/// tool's own messages.
static void cpl_pq_ignore_notice(void *arg, const char *message) { (void)arg; (void)message; }
static inline void cpl_pq_silence_notices(PGconn *conn) { PQsetNoticeProcessor(conn, cpl_pq_ignore_notice, 0); }
#endif
