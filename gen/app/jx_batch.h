/* jx_batch.h - building many filings: only what changed, in parallel, with
 * progress.
 *
 * jx_batch_build() renders a list of filings into one output folder:
 *
 *  - Regeneration.  OUT/.jxgen-record remembers, per output name, what each
 *    filing was built from: the hash of its bytes, of every file it
 *    includes, of its layout file, and an environment hash (jxgen version
 *    and binary, font fingerprint, SOURCE_DATE_EPOCH, --trace, --strict).
 *    A filing whose inputs all match and whose two outputs are still there
 *    with the recorded sizes is "unchanged" and not rendered.  `force`
 *    renders everything.  The record is rewritten atomically (temporary
 *    file + rename) after the batch; a filing that failed keeps its old
 *    entry, so it is tried again next time.
 *  - Shared files.  A file of the list that another filing of the list
 *    includes (e.g. budget.yaml in the same folder) is not a filing: it is
 *    counted as shared and skipped.
 *  - Parallelism.  With more than one filing to render and jobs > 1, the
 *    process forks min(jobs, filings) workers after the fonts are loaded
 *    (so they share them copy-on-write), hands each one filing index at a
 *    time over a socket and reads back its status, time and messages.  Each
 *    filing is rendered by exactly one process from the same inputs, so the
 *    bytes do not depend on jobs.  A worker ends with _exit() when its
 *    socket closes (it must never return into the caller's stack); a worker
 *    that dies fails only its filing in hand and is replaced.  Workers are
 *    also replaced after 64 filings, and a batch longer than that uses a
 *    worker even with jobs = 1, so memory does not grow with the batch.
 *  - Reporting.  With `progress` (stderr is a terminal) one line is
 *    redrawn: done/total, rate, time left, the filing in hand.  Otherwise
 *    plain lines only: "FILING -> OUT" on `out` for each rendered filing.
 *    Messages print as they arrive (file:line:col: ..., or JSON lines).
 *    Either way the batch ends with a summary on `err`: rendered, unchanged,
 *    failed, and each failure's first message.  With `json` everything is a
 *    JSON line: {"rendered":FILING,"out":OUT} on `out`, the messages and the
 *    {"summary":…} on `err`.
 *  - Stopping.  SIGINT or SIGTERM during the batch: no more filings are
 *    handed out, those in hand are finished (workers ignore the signal),
 *    the record is written with every filing that completed, and the
 *    summary says how many were not started (sum->stopped_by is set; the
 *    previous handlers are restored).  Nothing is left half-written: every
 *    output is written to a temporary file and renamed.
 *
 * Memory: the parent keeps a few hundred bytes per filing (path, hashes);
 * each worker holds one filing's document at a time and lives for at most
 * 64 filings. */
#ifndef JX_BATCH_H
#define JX_BATCH_H

#include <stdio.h>

#include "jx_error.h"
#include "jx_render.h"

#define JX_RECORD_NAME ".jxgen-record"

typedef struct jx_batch_options {
    const char *out_dir;     /* exists */
    int jobs;                /* worker processes; <= 0: number of online CPUs */
    int force;               /* render every filing whatever the record says */
    int json;                /* messages as JSON lines, summary as one JSON object */
    int progress;            /* 1: an updating progress line on err; 0: plain lines */
    const char *timings;     /* file for one line per rendered filing (seconds, status,
                                output bytes, path), for bench/; NULL: none */
    FILE *out, *err;         /* results and messages */
    const char *const *subdirs; /* NULL, or for each filing the folder under out_dir its
                                   outputs go to ("" for out_dir itself): a folder build
                                   mirrors the input's subfolders, so that two units'
                                   申报.yaml do not collide; created when missing */
} jx_batch_options;

typedef struct jx_batch_summary {
    int rendered, unchanged, failed, shared;
    jx_status worst;         /* the most serious failure (JX_OK: none) */
    double seconds;          /* wall time of the whole batch */
    int stopped_by;          /* SIGINT or SIGTERM when the batch was stopped, else 0 */
    int not_started;         /* filings left unrendered by the stop */
} jx_batch_summary;

/* Builds filings[0..n) with renderer r (which has fonts).  Returns JX_OK
 * when the batch ran (failed filings are counted in *sum and reported on
 * err), or JX_ERR_IO / JX_ERR_NOMEM when it could not run or its record
 * could not be written (a message on err). */
jx_status jx_batch_build(jx_renderer *r, char *const *filings, int n, const jx_batch_options *o,
                         jx_batch_summary *sum);

#endif
