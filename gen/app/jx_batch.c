/* jx_batch.c - incremental, parallel builds of many filings (see jx_batch.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "jx_batch.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jx_file.h"
#include "jx_i18n.h"
#include "jx_include.h"
#include "jx_util.h"

#define RECORD_MAGIC "jxgen-record\t1"
#define MAX_JOBS 256
#define MAX_INCLUDES JX_INCLUDE_MAX_FILES
/* A worker process is replaced after this many filings, so the memory of a
 * batch does not grow with its length (heap fragmentation, font pages). */
#define RECYCLE_AFTER 64

/* ---- stopping ------------------------------------------------------------ */

/* The signal (SIGINT or SIGTERM) that asked the batch to stop, 0 if none.
 * The batch then hands out no more filings, lets those in hand finish,
 * writes the record and the summary.  A second signal ends the process at
 * once (outputs are still written through temporary files). */
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    if (stop_signal) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    stop_signal = sig;
}

/* ---- time -------------------------------------------------------------- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- a string -> file hash cache (open addressing) --------------------- */

typedef struct hslot {
    char *key;
    unsigned long long value;
    int ok;
} hslot;

typedef struct hcache {
    hslot *slots;
    size_t cap, used;
} hcache;

static unsigned long long str_hash(const char *s)
{
    return jx_hash_bytes(JX_HASH_INIT, s, strlen(s));
}

static void hcache_free(hcache *c)
{
    for (size_t i = 0; i < c->cap; i++)
        free(c->slots[i].key);
    free(c->slots);
    memset(c, 0, sizeof *c);
}

/* The slot for key (existing or empty), growing the table.  NULL when out
 * of memory. */
static hslot *hcache_slot(hcache *c, const char *key)
{
    if ((c->used + 1) * 2 > c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 64;
        hslot *ns = calloc(ncap, sizeof *ns);
        if (!ns)
            return NULL;
        for (size_t i = 0; i < c->cap; i++) {
            if (!c->slots[i].key)
                continue;
            size_t j = (size_t)str_hash(c->slots[i].key) & (ncap - 1);
            while (ns[j].key)
                j = (j + 1) & (ncap - 1);
            ns[j] = c->slots[i];
        }
        free(c->slots);
        c->slots = ns;
        c->cap = ncap;
    }
    size_t j = (size_t)str_hash(key) & (c->cap - 1);
    while (c->slots[j].key && strcmp(c->slots[j].key, key) != 0)
        j = (j + 1) & (c->cap - 1);
    return &c->slots[j];
}

/* Hash of a file's bytes, read once per batch.  Returns 0 or -1. */
static int cached_file_hash(hcache *c, const char *path, unsigned long long *h)
{
    hslot *s = hcache_slot(c, path);
    if (!s)
        return jx_file_hash(path, h);
    if (!s->key) {
        if (!(s->key = strdup(path)))
            return jx_file_hash(path, h);
        c->used++;
        s->ok = jx_file_hash(path, &s->value) == 0;
    }
    *h = s->value;
    return s->ok ? 0 : -1;
}

/* ---- the record ---------------------------------------------------------- */

typedef struct rec_entry {
    char *name, *path, *region;
    unsigned long long env, hash, layout;
    long long pages_size, book_size;
    size_t ninc;
    char *inc[MAX_INCLUDES];
    unsigned long long inc_hash[MAX_INCLUDES];
    size_t expect;              /* while reading: the include lines announced */
    int drop;                   /* not written back */
} rec_entry;

typedef struct record {
    rec_entry *items;
    size_t count, cap, sorted; /* items[0..sorted) are sorted by name */
    int dirty;
} record;

static void rec_entry_clear(rec_entry *e)
{
    free(e->name);
    free(e->path);
    free(e->region);
    for (size_t i = 0; i < e->ninc; i++)
        free(e->inc[i]);
    memset(e, 0, sizeof *e);
}

static void record_free(record *rc)
{
    for (size_t i = 0; i < rc->count; i++)
        rec_entry_clear(&rc->items[i]);
    free(rc->items);
    memset(rc, 0, sizeof *rc);
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const rec_entry *)a)->name, ((const rec_entry *)b)->name);
}

/* bsearch() comparison of a name with an entry. */
static int cmp_name_entry(const void *name, const void *e)
{
    return strcmp(name, ((const rec_entry *)e)->name);
}

static rec_entry *record_find(record *rc, const char *name)
{
    rec_entry *e =
        rc->sorted ? bsearch(name, rc->items, rc->sorted, sizeof *rc->items, cmp_name_entry) : NULL;
    if (e)
        return e;
    for (size_t i = rc->sorted; i < rc->count; i++)
        if (strcmp(rc->items[i].name, name) == 0)
            return &rc->items[i];
    return NULL;
}

static rec_entry *record_add(record *rc)
{
    rec_entry *ni = jx_grow(rc->items, &rc->cap, rc->count, sizeof *ni, 64);
    if (!ni)
        return NULL;
    rc->items = ni;
    rec_entry *e = &rc->items[rc->count++];
    memset(e, 0, sizeof *e);
    return e;
}

/* Splits a line at tabs into at most max fields (the last takes the rest).
 * Returns the number of fields. */
static int split_tabs(char *line, char **fields, int max)
{
    int n = 0;
    fields[n++] = line;
    while (n < max) {
        char *tab = strchr(fields[n - 1], '\t');
        if (!tab)
            break;
        *tab = '\0';
        fields[n++] = tab + 1;
    }
    return n;
}

static int parse_u64(const char *s, unsigned long long *v)
{
    char *end;
    errno = 0;
    *v = strtoull(s, &end, 16);
    return *s && *end == '\0' && errno == 0 ? 0 : -1;
}

static int parse_ll(const char *s, long long *v)
{
    char *end;
    errno = 0;
    *v = strtoll(s, &end, 10);
    return *s && *end == '\0' && errno == 0 ? 0 : -1;
}

/* Reads OUT/.jxgen-record.  A missing, foreign or damaged record is an
 * empty one (everything is rebuilt); only running out of memory fails. */
static jx_status record_load(record *rc, const char *path)
{
    memset(rc, 0, sizeof *rc);
    jx_diags scratch;
    jx_diags_init(&scratch);
    char *buf = NULL;
    size_t len = 0;
    jx_status st = jx_file_read(path, JX_NODE_MAX_BYTES, &buf, &len, &scratch);
    jx_diags_free(&scratch);
    if (st != JX_OK)
        return st == JX_ERR_NOMEM ? st : JX_OK;
    int ok = 1;
    char *save = NULL;
    char *line = strtok_r(buf, "\n", &save);
    if (!line || strcmp(line, RECORD_MAGIC) != 0)
        ok = 0;
    rec_entry *cur = NULL;
    while (ok && (line = strtok_r(NULL, "\n", &save))) {
        char *f[10];
        if (line[0] == 'F' && line[1] == '\t') {
            if (split_tabs(line + 2, f, 9) != 9 || !(cur = record_add(rc))) {
                ok = 0;
                break;
            }
            long long ninc;
            cur->name = strdup(f[0]);
            cur->region = strdup(f[3]);
            cur->path = strdup(f[8]);
            ok = cur->name && cur->region && cur->path && parse_u64(f[1], &cur->env) == 0 &&
                 parse_u64(f[2], &cur->hash) == 0 && parse_u64(f[4], &cur->layout) == 0 &&
                 parse_ll(f[5], &cur->pages_size) == 0 && parse_ll(f[6], &cur->book_size) == 0 &&
                 parse_ll(f[7], &ninc) == 0 && ninc >= 0 && ninc <= MAX_INCLUDES;
            if (ok)
                cur->expect = (size_t)ninc;
        } else if (line[0] == 'I' && line[1] == '\t' && cur && cur->ninc < cur->expect) {
            ok = split_tabs(line + 2, f, 2) == 2 &&
                 parse_u64(f[0], &cur->inc_hash[cur->ninc]) == 0 &&
                 (cur->inc[cur->ninc] = strdup(f[1])) != NULL;
            if (ok)
                cur->ninc++;
        } else {
            ok = 0;
        }
    }
    free(buf);
    for (size_t i = 0; ok && i < rc->count; i++)
        ok = rc->items[i].ninc == rc->items[i].expect;
    if (!ok) {
        record_free(rc); /* damaged: start afresh */
        return JX_OK;
    }
    if (rc->count > 1)
        qsort(rc->items, rc->count, sizeof *rc->items, cmp_entry);
    /* Duplicate names would make lookups ambiguous: drop the record. */
    for (size_t i = 1; i < rc->count; i++)
        if (strcmp(rc->items[i - 1].name, rc->items[i].name) == 0) {
            record_free(rc);
            return JX_OK;
        }
    rc->sorted = rc->count;
    return JX_OK;
}

static int recordable(const char *s)
{
    return s && *s && !strpbrk(s, "\t\n\r");
}

/* Writes the record to OUT/.jxgen-record atomically (jx_file_out). */
static jx_status record_save(record *rc, const char *out_dir, FILE *err)
{
    char path[PATH_MAX];
    int n1 = snprintf(path, sizeof path, "%s/%s", out_dir, JX_RECORD_NAME);
    if (n1 < 0 || (size_t)n1 >= sizeof path)
        return JX_ERR_IO;
    if (rc->count > 1)
        qsort(rc->items, rc->count, sizeof *rc->items, cmp_entry);
    rc->sorted = rc->count;
    jx_buf b = {0};
    jx_buf_printf(&b, "%s\n", RECORD_MAGIC);
    for (size_t i = 0; i < rc->count; i++) {
        const rec_entry *e = &rc->items[i];
        if (e->drop)
            continue;
        jx_buf_printf(&b, "F\t%s\t%016llx\t%016llx\t%s\t%016llx\t%lld\t%lld\t%zu\t%s\n", e->name,
                      e->env, e->hash, e->region, e->layout, e->pages_size, e->book_size,
                      e->ninc, e->path);
        for (size_t k = 0; k < e->ninc; k++)
            jx_buf_printf(&b, "I\t%016llx\t%s\n", e->inc_hash[k], e->inc[k]);
    }
    jx_diags why;
    jx_diags_init(&why);
    jx_file_out file = {NULL, NULL, -1};
    jx_status st = b.oom ? jx_diag_error(&why, JX_ERR_NOMEM, path, 0, 0, _("out of memory"))
                         : jx_file_out_open(&file, path, &why);
    if (st == JX_OK)
        st = jx_file_out_write(&file, b.data, b.len, &why);
    if (st == JX_OK)
        st = jx_file_out_commit(&file, &why);
    else
        jx_file_out_abort(&file); /* harmless when nothing was opened */
    if (st != JX_OK) {
        fprintf(err, _("%s: error: cannot write the build record: %s\n"), path,
                why.count ? why.items[0].message : jx_status_str(st));
        st = JX_ERR_IO;
    }
    jx_diags_free(&why);
    jx_buf_free(&b);
    return st;
}

/* ---- tasks --------------------------------------------------------------- */

enum { T_RENDER, T_UNCHANGED, T_SHARED, T_OK, T_FAILED };

typedef struct task {
    const char *path;
    char *name;                 /* output base name */
    int state;
    int scanned;                /* hash, region and includes are known */
    int parsed;                 /* its bytes parsed as a map at the scan */
    unsigned long long hash, layout;
    char *region;
    size_t ninc;
    char *inc[MAX_INCLUDES];
    unsigned long long inc_hash[MAX_INCLUDES];
    jx_status status;
    char *first_msg;            /* failures: the first message, for the summary */
} task;

static void task_clear(task *t)
{
    free(t->name);
    free(t->region);
    for (size_t i = 0; i < t->ninc; i++)
        free(t->inc[i]);
    free(t->first_msg);
}

/* ---- the batch ----------------------------------------------------------- */

typedef struct region_hash {
    char *region;
    unsigned long long hash;
    int ok;
} region_hash;

typedef struct batch {
    jx_renderer *r;
    const jx_batch_options *o;
    const jx_render_options *ro;
    task *tasks;
    int ntasks;
    record rec;
    hcache files;               /* include file hashes */
    region_hash layouts[64];
    int nlayouts;
    unsigned long long env;
    const char *pages_ext;
    FILE *timings;
    /* progress */
    int total, done;            /* filings to render in this run, and finished */
    double start, last_draw;
    const char *in_hand;
    int line_shown;
    int width;
    jx_batch_summary *sum;
} batch;

/* Hash of the layout file a region selects (cached); 0 and ok=0 when unreadable. */
static int layout_hash(batch *b, const char *region, unsigned long long *h)
{
    for (int i = 0; i < b->nlayouts; i++)
        if (strcmp(b->layouts[i].region, region) == 0) {
            *h = b->layouts[i].hash;
            return b->layouts[i].ok ? 0 : -1;
        }
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s.yaml", b->ro->layouts_dir, region);
    unsigned long long v = 0;
    int ok = !strchr(region, '/') && jx_file_hash(path, &v) == 0;
    if (b->nlayouts < (int)(sizeof b->layouts / sizeof b->layouts[0])) {
        region_hash *rh = &b->layouts[b->nlayouts];
        if ((rh->region = strdup(region))) {
            rh->hash = v;
            rh->ok = ok;
            b->nlayouts++;
        }
    }
    *h = v;
    return ok ? 0 : -1;
}

/* Everything besides the filing's own inputs that changes its bytes. */
static unsigned long long environment_hash(const jx_renderer *r, const jx_render_options *ro)
{
    unsigned long long h = JX_HASH_INIT;
    h = jx_hash_bytes(h, "jxgen " JX_VERSION, sizeof("jxgen " JX_VERSION));
    /* The binary itself: a rebuilt jxgen may draw differently even when its
     * version string did not change. */
    struct stat sb;
    if (stat("/proc/self/exe", &sb) == 0) {
        long long id[3] = {(long long)sb.st_size, (long long)sb.st_mtime,
                           (long long)sb.st_ino};
        h = jx_hash_bytes(h, id, sizeof id);
    }
    unsigned long long fonts = jx_renderer_fonts_fingerprint(r);
    long long flags[3] = {ro->date_epoch, ro->trace, ro->strict};
    h = jx_hash_bytes(h, &fonts, sizeof fonts);
    h = jx_hash_bytes(h, flags, sizeof flags);
    return h;
}

static int output_size(const char *out_dir, const char *name, const char *ext, long long *size)
{
    char p[PATH_MAX];
    struct stat sb;
    if (snprintf(p, sizeof p, "%s/%s.%s", out_dir, name, ext) >= (int)sizeof p ||
        stat(p, &sb) != 0 || !S_ISREG(sb.st_mode))
        return -1;
    *size = (long long)sb.st_size;
    return 0;
}

/* Parses the filing's bytes for its region and include: list (messages are
 * left to the renderer, which reports them properly). */
static void scan_contents(batch *b, task *t, const char *buf, size_t len)
{
    jx_diags scratch;
    jx_diags_init(&scratch);
    jx_node *root = NULL;
    if (jx_node_parse_buffer(t->path, buf, len, &root, &scratch) == JX_OK &&
        root->kind == JX_NODE_MAP) {
        t->parsed = 1;
        const char *region = jx_node_text(jx_node_get(root, "region"));
        t->region = jx_strdup(region);
        t->ninc = jx_include_paths(root, t->path, t->inc, MAX_INCLUDES);
        int ok = t->region != NULL && layout_hash(b, t->region, &t->layout) == 0;
        for (size_t i = 0; i < t->ninc && ok; i++)
            ok = cached_file_hash(&b->files, t->inc[i], &t->inc_hash[i]) == 0;
        t->scanned = ok;
    }
    jx_node_free(root);
    jx_diags_free(&scratch);
}

/* Whether a recorded build of t is still what its inputs would give. */
static int still_current(batch *b, task *t, const rec_entry *e)
{
    if (strcmp(e->path, t->path) != 0 || e->hash != t->hash || e->env != b->env)
        return 0;
    unsigned long long h;
    if (layout_hash(b, e->region, &h) != 0 || h != e->layout)
        return 0;
    for (size_t i = 0; i < e->ninc; i++)
        if (cached_file_hash(&b->files, e->inc[i], &h) != 0 || h != e->inc_hash[i])
            return 0;
    long long ps, bs;
    return output_size(b->o->out_dir, e->name, b->pages_ext, &ps) == 0 && ps == e->pages_size &&
           output_size(b->o->out_dir, e->name, "xlsx", &bs) == 0 && bs == e->book_size;
}

static char *first_message(const jx_diags *d);

/* Decides, for every filing, whether it must be rendered. */
static jx_status scan(batch *b)
{
    hcache names = {0};
    jx_status st = JX_OK;
    for (int i = 0; i < b->ntasks && st == JX_OK; i++) {
        task *t = &b->tasks[i];
        char base[NAME_MAX + 1], name[PATH_MAX];
        jx_render_output_name(t->path, base, sizeof base);
        const char *sub = b->o->subdirs && b->o->subdirs[i] ? b->o->subdirs[i] : "";
        snprintf(name, sizeof name, "%s%s%s", sub, *sub ? "/" : "", base);
        if (!(t->name = strdup(name))) {
            st = JX_ERR_NOMEM;
            break;
        }
        t->state = T_RENDER;
        /* Two filings of one batch must not write the same outputs. */
        hslot *s = hcache_slot(&names, name);
        if (s && s->key) {
            const task *first = &b->tasks[s->value];
            jx_diags one;
            jx_diags_init(&one);
            jx_diags_add(&one, JX_SEV_ERROR, t->path, 0, 0, "same-output",
                         _("renders to the same %s/%s.* as %s; rename one"), b->o->out_dir, name,
                         first->path);
            if (b->o->json)
                jx_diags_print_json(&one, b->o->err);
            else
                jx_diags_print(&one, b->o->err);
            t->state = T_FAILED;
            t->status = JX_ERR_USAGE;
            t->first_msg = first_message(&one);
            jx_diags_free(&one);
            continue;
        }
        if (s && (s->key = strdup(name))) {
            names.used++;
            s->value = (unsigned long long)i;
        }
        char *buf = NULL;
        size_t len = 0;
        jx_diags scratch;
        jx_diags_init(&scratch);
        jx_status rs = jx_file_read(t->path, JX_NODE_MAX_BYTES, &buf, &len, &scratch);
        jx_diags_free(&scratch);
        if (rs != JX_OK)
            continue; /* the renderer reports it */
        t->hash = jx_hash_bytes(JX_HASH_INIT, buf, len);
        const rec_entry *e = record_find(&b->rec, name);
        if (!b->o->force && e && still_current(b, t, e)) {
            t->state = T_UNCHANGED;
            for (size_t k = 0; k < e->ninc; k++)
                if ((t->inc[t->ninc] = strdup(e->inc[k])))
                    t->ninc++;
        } else {
            scan_contents(b, t, buf, len);
        }
        free(buf);
    }
    hcache_free(&names);
    if (st != JX_OK)
        return st;
    /* A listed file that another listed filing includes, and that has no
     * region: of its own, is shared data, not a filing. */
    hcache shared = {0};
    int any = 0;
    for (int i = 0; i < b->ntasks; i++)
        for (size_t k = 0; k < b->tasks[i].ninc; k++) {
            char real[PATH_MAX];
            if (!realpath(b->tasks[i].inc[k], real))
                continue;
            hslot *s = hcache_slot(&shared, real);
            if (s && !s->key && (s->key = strdup(real))) {
                shared.used++;
                any = 1;
            }
        }
    for (int i = 0; any && i < b->ntasks; i++) {
        char real[PATH_MAX];
        task *t = &b->tasks[i];
        if (t->state != T_RENDER || !t->parsed || t->region || !realpath(t->path, real))
            continue;
        hslot *s = hcache_slot(&shared, real);
        if (s && s->key)
            t->state = T_SHARED;
    }
    hcache_free(&shared);
    return JX_OK;
}

/* ---- reporting ------------------------------------------------------------ */

/* Display width of UTF-8 text, counting CJK (3- and 4-byte) characters as 2. */
static int display_width(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            w += *p >= 0xE0 ? 2 : 1;
    return w;
}

static void clear_line(batch *b)
{
    if (b->line_shown) {
        fputs("\r\033[K", b->o->err);
        b->line_shown = 0;
    }
}

static void draw_progress(batch *b, int force)
{
    if (!b->o->progress || b->total == 0)
        return;
    double t = now_seconds();
    if (!force && t - b->last_draw < 0.1)
        return;
    b->last_draw = t;
    double elapsed = t - b->start;
    double rate = elapsed > 0 ? b->done / elapsed : 0;
    char head[160], left[32] = "";
    if (rate > 0 && b->done < b->total) {
        long secs = (long)((b->total - b->done) / rate + 0.5);
        snprintf(left, sizeof left, _("  %ld:%02ld left"), secs / 60, secs % 60);
    }
    /* The progress line: [done/total], filings a second, the time left. */
    snprintf(head, sizeof head, _("[%*d/%d] %.1f/s%s  "), (int)snprintf(NULL, 0, "%d", b->total),
             b->done, b->total, rate, left);
    const char *hand = b->in_hand && b->done < b->total ? b->in_hand : "";
    int room = b->width - 1 - display_width(head);
    /* Keep the end of a long path: it names the filing. */
    while (*hand && display_width(hand) > room) {
        hand++;
        while ((*(const unsigned char *)hand & 0xC0) == 0x80)
            hand++;
    }
    fprintf(b->o->err, "\r\033[K%s%s", head, hand);
    fflush(b->o->err);
    b->line_shown = 1;
}

/* The first error (else the first message) as jx_diag_format() writes it. */
static char *first_message(const jx_diags *d)
{
    const jx_diag *g = NULL;
    for (size_t i = 0; i < d->count && !g; i++)
        if (d->items[i].severity == JX_SEV_ERROR)
            g = &d->items[i];
    if (!g && d->count)
        g = &d->items[0];
    if (!g)
        return NULL;
    jx_buf buf = {0};
    jx_diag_format(g, &buf);
    if (buf.oom) {
        jx_buf_free(&buf);
        return NULL;
    }
    return buf.data;
}

static jx_status output_dir(batch *b, int idx, int create, char *dir, size_t n, jx_diags *d);

/* Records one finished filing: prints its messages, updates the record. */
static void finish(batch *b, int idx, jx_status st, double secs, jx_diags *d)
{
    task *t = &b->tasks[idx];
    const jx_batch_options *o = b->o;
    if (d->count) {
        clear_line(b);
        if (o->json)
            jx_diags_print_json(d, o->err);
        else
            jx_diags_print(d, o->err);
    }
    long long ps = -1, bs = -1;
    if (st == JX_OK) {
        t->state = T_OK;
        b->sum->rendered++;
        if (output_size(o->out_dir, t->name, b->pages_ext, &ps) != 0 ||
            output_size(o->out_dir, t->name, "xlsx", &bs) != 0)
            ps = bs = -1;
        int keep = ps >= 0 && t->scanned && recordable(t->path) && recordable(t->region) &&
                   recordable(t->name);
        for (size_t k = 0; k < t->ninc && keep; k++)
            keep = recordable(t->inc[k]);
        /* The new entry is made aside, then swapped in whole. */
        rec_entry ne = {0};
        if (keep) {
            ne.name = strdup(t->name);
            ne.path = strdup(t->path);
            ne.region = strdup(t->region);
            ne.env = b->env;
            ne.hash = t->hash;
            ne.layout = t->layout;
            ne.pages_size = ps;
            ne.book_size = bs;
            for (size_t k = 0; k < t->ninc; k++) {
                ne.inc_hash[k] = t->inc_hash[k];
                if ((ne.inc[k] = strdup(t->inc[k])))
                    ne.ninc = k + 1;
                else
                    keep = 0;
            }
            keep = keep && ne.name && ne.path && ne.region;
        }
        rec_entry *e = record_find(&b->rec, t->name);
        if (keep && !e)
            e = record_add(&b->rec);
        if (keep && e) {
            rec_entry_clear(e);
            *e = ne;
        } else {
            rec_entry_clear(&ne);
            if (e) /* cannot be recorded: rebuilt next time */
                e->drop = 1;
        }
        b->rec.dirty = 1;
        char dir[PATH_MAX];
        if (output_dir(b, idx, 0, dir, sizeof dir, d) != JX_OK)
            snprintf(dir, sizeof dir, "%s", o->out_dir);
        if (o->json) {
            fputs("{\"rendered\":", o->out);
            jx_json_string(o->out, t->path);
            fputs(",\"out\":", o->out);
            jx_json_string(o->out, dir);
            fputs("}\n", o->out);
        } else if (!(o->progress && isatty(fileno(o->out)))) {
            fprintf(o->out, "%s -> %s\n", t->path, dir);
        }
        fflush(o->out); /* a log or a pipe sees each filing as it is done */
    } else {
        t->state = T_FAILED;
        t->status = st;
        t->first_msg = first_message(d);
        b->sum->failed++;
    }
    if (b->timings)
        fprintf(b->timings, "%.6f\t%s\t%lld\t%lld\t%s\n", secs, st == JX_OK ? "ok" : "failed",
                ps, bs, t->path);
    b->done++;
    draw_progress(b, b->done == b->total);
}

/* out_dir, or its subfolder for filing idx, into dir; with `create`, the
 * subfolder and its parents are made. */
static jx_status output_dir(batch *b, int idx, int create, char *dir, size_t n, jx_diags *d)
{
    const char *sub = b->o->subdirs && b->o->subdirs[idx] ? b->o->subdirs[idx] : "";
    if (snprintf(dir, n, "%s%s%s", b->o->out_dir, *sub ? "/" : "", sub) >= (int)n)
        return jx_diag_error(d, JX_ERR_IO, b->tasks[idx].path, 0, 0, _("output path too long"));
    if (!*sub || !create)
        return JX_OK;
    for (size_t i = strlen(b->o->out_dir) + 1;; i++) {
        char c = dir[i];
        if (c != '/' && c != '\0')
            continue;
        dir[i] = '\0';
        int bad = mkdir(dir, 0777) != 0 && errno != EEXIST;
        int e = errno;
        dir[i] = c;
        if (bad)
            return jx_diag_error(d, JX_ERR_IO, dir, 0, 0, _("cannot create the folder: %s"),
                                 jx_strerror(e));
        if (c == '\0')
            return JX_OK;
    }
}

static jx_status render_one(batch *b, int idx, double *secs, jx_diags *d)
{
    double t0 = now_seconds();
    char dir[PATH_MAX];
    jx_status st = output_dir(b, idx, 1, dir, sizeof dir, d);
    if (st == JX_OK)
        st = jx_renderer_build(b->r, b->tasks[idx].path, dir, d);
    *secs = now_seconds() - t0;
    return st;
}

/* ---- workers ---------------------------------------------------------------- */

typedef struct result_head {
    int32_t index;
    int32_t status;
    double seconds;
    uint32_t payload;           /* bytes of serialised messages that follow */
} result_head;

static int send_all(int fd, const void *data, size_t n)
{
    const char *p = data;
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads exactly n bytes; returns 1, 0 at a clean end of stream, -1 on error. */
static int recv_all(int fd, void *data, size_t n)
{
    char *p = data;
    size_t got = 0;
    while (got < n) {
        ssize_t r = recv(fd, p + got, n - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            return got == 0 ? 0 : -1;
        if (r < 0)
            return -1;
        got += (size_t)r;
    }
    return 1;
}

static void put_i32(jx_buf *buf, int32_t v)
{
    jx_buf_append(buf, (const char *)&v, sizeof v);
}

static void put_str(jx_buf *buf, const char *s)
{
    put_i32(buf, s ? (int32_t)strlen(s) : -1);
    if (s)
        jx_buf_append(buf, s, strlen(s));
}

static void serialise_diags(const jx_diags *d, jx_buf *buf)
{
    for (size_t i = 0; i < d->count; i++) {
        const jx_diag *g = &d->items[i];
        put_i32(buf, (int32_t)g->severity);
        put_i32(buf, g->line);
        put_i32(buf, g->col);
        put_str(buf, g->file);
        put_str(buf, g->rule);
        put_str(buf, g->message);
    }
}

static int get_i32(const char **p, const char *end, int32_t *v)
{
    if ((size_t)(end - *p) < sizeof *v)
        return -1;
    memcpy(v, *p, sizeof *v);
    *p += sizeof *v;
    return 0;
}

/* A string of the payload, copied into buf (NULL for a NULL string). */
static int get_str(const char **p, const char *end, char **out)
{
    int32_t n;
    *out = NULL;
    if (get_i32(p, end, &n) != 0)
        return -1;
    if (n < 0)
        return 0;
    if ((size_t)(end - *p) < (size_t)n || !(*out = malloc((size_t)n + 1)))
        return -1;
    memcpy(*out, *p, (size_t)n);
    (*out)[n] = '\0';
    *p += n;
    return 0;
}

static void deserialise_diags(const char *p, const char *end, jx_diags *d)
{
    while (p < end) {
        int32_t sev, line, col;
        char *file = NULL, *rule = NULL, *msg = NULL;
        int bad = get_i32(&p, end, &sev) || get_i32(&p, end, &line) || get_i32(&p, end, &col) ||
                  get_str(&p, end, &file) || get_str(&p, end, &rule) || get_str(&p, end, &msg);
        if (!bad)
            jx_diags_add(d, (jx_severity)sev, file, line, col, rule, "%s", msg ? msg : "");
        free(file);
        free(rule);
        free(msg);
        if (bad)
            break;
    }
}

/* A worker's life: render the filings it is handed until its socket closes. */
static void worker_loop(batch *b, int fd)
{
    for (;;) {
        int32_t idx;
        if (recv_all(fd, &idx, sizeof idx) != 1 || idx < 0 || idx >= b->ntasks)
            return;
        jx_diags d;
        jx_diags_init(&d);
        double secs = 0;
        jx_status st = render_one(b, idx, &secs, &d);
        jx_buf payload = {0};
        serialise_diags(&d, &payload);
        jx_diags_free(&d);
        result_head h = {idx, (int32_t)st, secs, payload.oom ? 0 : (uint32_t)payload.len};
        int bad = send_all(fd, &h, sizeof h) != 0 ||
                  (h.payload && send_all(fd, payload.data, payload.len) != 0);
        jx_buf_free(&payload);
        if (bad)
            return;
    }
}

typedef struct worker {
    pid_t pid;
    int fd;                     /* parent's end of the socket, -1 when gone */
    int task;                   /* index in hand, -1 when idle */
    int served;                 /* filings rendered by this process */
} worker;

/* Forks worker w.  Returns 0 or -1 (errno set). */
static int spawn(batch *b, worker *ws, int nw, int w)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return -1;
    fflush(NULL); /* no buffered output may be written twice */
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(sv[0]);
        close(sv[1]);
        errno = e;
        return -1;
    }
    if (pid == 0) {
        close(sv[0]);
        for (int i = 0; i < nw; i++)
            if (ws[i].fd >= 0)
                close(ws[i].fd);
        if (b->timings)
            close(fileno(b->timings)); /* the parent writes it */
        /* Ctrl-C reaches the whole process group: a worker finishes the
         * filing in hand and ends when the parent closes its socket. */
        signal(SIGINT, SIG_IGN);
        signal(SIGTERM, SIG_IGN);
        worker_loop(b, sv[1]);
        close(sv[1]);
        /* The worker is a copy of the caller's process: it must not return
         * into the caller's stack or run its atexit handlers. */
        _exit(0);
    }
    close(sv[1]);
    ws[w].pid = pid;
    ws[w].fd = sv[0];
    ws[w].task = -1;
    ws[w].served = 0;
    return 0;
}

static void hand_out(batch *b, worker *wk, const int *todo, int ntodo, int *next)
{
    if (*next >= ntodo || stop_signal) {
        close(wk->fd); /* no more work: the worker ends */
        wk->fd = -1;
        return;
    }
    int32_t idx = todo[(*next)++];
    if (send_all(wk->fd, &idx, sizeof idx) != 0) {
        (*next)--;
        close(wk->fd);
        wk->fd = -1;
        return;
    }
    wk->task = idx;
    b->in_hand = b->tasks[idx].path;
    draw_progress(b, 0);
}

static void reap(worker *wk, int *status)
{
    *status = 0;
    if (wk->pid > 0) {
        while (waitpid(wk->pid, status, 0) < 0 && errno == EINTR)
            ;
        wk->pid = -1;
    }
}

static jx_status run_parallel(batch *b, const int *todo, int ntodo, int nw)
{
    worker ws[MAX_JOBS];
    for (int i = 0; i < nw; i++)
        ws[i] = (worker){-1, -1, -1, 0};
    int next = 0, live = 0;
    for (int i = 0; i < nw; i++) {
        if (spawn(b, ws, nw, i) != 0)
            break;
        live++;
        hand_out(b, &ws[i], todo, ntodo, &next);
    }
    if (live == 0) {
        fprintf(b->o->err, _("jxgen: error: cannot start worker processes: %s\n"),
                jx_strerror(errno));
        return JX_ERR_IO;
    }
    struct pollfd pfd[MAX_JOBS];
    int map[MAX_JOBS];
    jx_status st = JX_OK;
    for (;;) {
        int np = 0;
        for (int i = 0; i < nw; i++)
            if (ws[i].fd >= 0 && ws[i].task >= 0) {
                pfd[np] = (struct pollfd){ws[i].fd, POLLIN, 0};
                map[np++] = i;
            }
        if (np == 0)
            break;
        int n = poll(pfd, (nfds_t)np, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            st = JX_ERR_IO;
            break;
        }
        for (int k = 0; k < np; k++) {
            if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            worker *wk = &ws[map[k]];
            result_head h;
            int got = recv_all(wk->fd, &h, sizeof h);
            char *payload = NULL;
            if (got == 1 && h.payload) {
                payload = malloc(h.payload);
                if (!payload || recv_all(wk->fd, payload, h.payload) != 1)
                    got = -1;
            }
            jx_diags d;
            jx_diags_init(&d);
            if (got == 1 && h.index == wk->task) {
                if (payload)
                    deserialise_diags(payload, payload + h.payload, &d);
                wk->task = -1;
                finish(b, h.index, (jx_status)h.status, h.seconds, &d);
                if (++wk->served >= RECYCLE_AFTER && next < ntodo) {
                    /* A fresh copy of the parent: whatever the last filings
                     * left in this process's heap does not pile up. */
                    int status;
                    close(wk->fd);
                    wk->fd = -1;
                    reap(wk, &status);
                    spawn(b, ws, nw, map[k]);
                }
                if (wk->fd >= 0)
                    hand_out(b, wk, todo, ntodo, &next);
            } else {
                /* The worker died with a filing in hand: fail that filing
                 * and start a fresh worker for the rest. */
                int failed = wk->task, status;
                close(wk->fd);
                wk->fd = -1;
                wk->task = -1;
                reap(wk, &status);
                if (WIFSIGNALED(status))
                    jx_diags_add(&d, JX_SEV_ERROR, b->tasks[failed].path, 0, 0, "worker",
                                 _("the worker rendering this filing stopped (signal %d)"),
                                 WTERMSIG(status));
                else
                    jx_diags_add(&d, JX_SEV_ERROR, b->tasks[failed].path, 0, 0, "worker",
                                 _("the worker rendering this filing stopped (exit status %d)"),
                                 WEXITSTATUS(status));
                finish(b, failed, JX_ERR_INTERNAL, 0, &d);
                if (next < ntodo && !stop_signal && spawn(b, ws, nw, map[k]) == 0)
                    hand_out(b, wk, todo, ntodo, &next);
            }
            free(payload);
            jx_diags_free(&d);
        }
    }
    for (int i = 0; i < nw; i++) {
        int status;
        if (ws[i].fd >= 0)
            close(ws[i].fd);
        reap(&ws[i], &status);
    }
    /* Filings never handed out (every worker failed to start again). */
    for (; next < ntodo && !stop_signal; next++) {
        jx_diags d;
        jx_diags_init(&d);
        jx_diags_add(&d, JX_SEV_ERROR, b->tasks[todo[next]].path, 0, 0, "worker",
                     _("not rendered: no worker process could be started"));
        finish(b, todo[next], JX_ERR_IO, 0, &d);
        jx_diags_free(&d);
    }
    return st;
}

/* ---- summary ------------------------------------------------------------------ */

static void print_summary(batch *b)
{
    const jx_batch_summary *s = b->sum;
    FILE *f = b->o->err;
    clear_line(b);
    if (b->o->json) {
        fprintf(f, "{\"summary\":{\"rendered\":%d,\"unchanged\":%d,\"failed\":%d,\"shared\":%d,"
                   "\"seconds\":%.3f,",
                s->rendered, s->unchanged, s->failed, s->shared, s->seconds);
        if (s->stopped_by)
            fprintf(f, "\"stopped\":\"%s\",\"not_started\":%d,",
                    s->stopped_by == SIGINT ? "SIGINT" : "SIGTERM", s->not_started);
        fputs("\"failures\":[", f);
        int first = 1;
        for (int i = 0; i < b->ntasks; i++) {
            const task *t = &b->tasks[i];
            if (t->state != T_FAILED)
                continue;
            fputs(first ? "{\"file\":" : ",{\"file\":", f);
            jx_json_string(f, t->path);
            fputs(",\"message\":", f);
            jx_json_string(f, t->first_msg ? t->first_msg : jx_status_str(t->status));
            fputc('}', f);
            first = 0;
        }
        fputs("]}}\n", f);
        return;
    }
    if (s->stopped_by)
        fprintf(f, _("jxgen: stopped by %s: the filings in hand were finished, %d not started; "
                     "the next build renders only those\n"),
                s->stopped_by == SIGINT ? "Ctrl-C (SIGINT)" : "SIGTERM", s->not_started);
    fprintf(f, _("jxgen: %d rendered, %d unchanged, %d failed"), s->rendered, s->unchanged,
            s->failed);
    if (s->shared)
        fprintf(f, _(", %d shared"), s->shared);
    double rate = s->seconds > 0 ? s->rendered / s->seconds : 0;
    fprintf(f, _(" in %.2f s"), s->seconds);
    if (s->rendered > 1)
        fprintf(f, _(" (%.1f filings/s)"), rate);
    fputc('\n', f);
    for (int i = 0; i < b->ntasks; i++) {
        const task *t = &b->tasks[i];
        if (t->state == T_FAILED)
            fprintf(f, _("  failed: %s\n"),
                    t->first_msg ? t->first_msg : jx_status_str(t->status));
    }
}

static int terminal_width(FILE *f)
{
    struct winsize ws;
    if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    const char *c = getenv("COLUMNS");
    int n = c ? atoi(c) : 0;
    return n >= 20 ? n : 80;
}

static int severity_rank(jx_status st)
{
    switch (st) {
    case JX_OK: return 0;
    case JX_ERR_FILING:
    case JX_ERR_SYNTAX:
    case JX_ERR_GLYPH:
    case JX_ERR_LIMIT: return 1;
    default: return 2;
    }
}

jx_status jx_batch_build(jx_renderer *r, char *const *filings, int n, const jx_batch_options *o,
                         jx_batch_summary *sum)
{
    memset(sum, 0, sizeof *sum);
    batch b = {0};
    b.r = r;
    b.o = o;
    b.ro = jx_renderer_options(r);
    b.sum = sum;
    b.start = now_seconds();
    b.env = environment_hash(r, b.ro);
    b.pages_ext = b.ro->trace ? "trace" : "pdf";
    b.width = o->progress ? terminal_width(o->err) : 80;
    b.ntasks = n;
    b.tasks = calloc(n > 0 ? (size_t)n : 1, sizeof *b.tasks);
    int *todo = calloc(n > 0 ? (size_t)n : 1, sizeof *todo);
    char record_path[PATH_MAX];
    snprintf(record_path, sizeof record_path, "%s/%s", o->out_dir, JX_RECORD_NAME);
    jx_status st = (b.tasks && todo) ? record_load(&b.rec, record_path) : JX_ERR_NOMEM;
    for (int i = 0; i < n && b.tasks; i++)
        b.tasks[i].path = filings[i];
    if (st == JX_OK)
        st = scan(&b);
    if (st == JX_OK && o->timings && !(b.timings = fopen(o->timings, "w"))) {
        fprintf(o->err, _("%s: error: cannot write: %s\n"), o->timings, jx_strerror(errno));
        st = JX_ERR_IO;
    }
    int ntodo = 0;
    struct sigaction stop_action, old_int, old_term;
    memset(&stop_action, 0, sizeof stop_action);
    stop_action.sa_handler = on_stop; /* no SA_RESTART: poll() returns EINTR */
    sigemptyset(&stop_action.sa_mask);
    stop_signal = 0;
    sigaction(SIGINT, &stop_action, &old_int);
    sigaction(SIGTERM, &stop_action, &old_term);
    if (st == JX_OK) {
        for (int i = 0; i < n; i++) {
            task *t = &b.tasks[i];
            if (t->state == T_RENDER)
                todo[ntodo++] = i;
            else if (t->state == T_UNCHANGED)
                sum->unchanged++;
            else if (t->state == T_SHARED)
                sum->shared++;
            else if (t->state == T_FAILED)
                sum->failed++; /* reported by scan() */
        }
        b.total = ntodo;
        /* Layouts are loaded once here, so forked workers share them. */
        for (int i = 0; i < ntodo; i++) {
            const task *t = &b.tasks[todo[i]];
            if (!t->region)
                continue;
            jx_diags scratch;
            jx_diags_init(&scratch);
            jx_renderer_layout(r, t->region, t->path, 0, 0, &scratch);
            jx_diags_free(&scratch);
        }
        int jobs = o->jobs > 0 ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
        if (jobs < 1)
            jobs = 1;
        if (jobs > MAX_JOBS)
            jobs = MAX_JOBS;
        int nw = jobs < ntodo ? jobs : ntodo;
        if (nw > 1 || ntodo > RECYCLE_AFTER) {
            st = run_parallel(&b, todo, ntodo, nw);
        } else {
            for (int i = 0; i < ntodo && !stop_signal; i++) {
                jx_diags d;
                jx_diags_init(&d);
                b.in_hand = b.tasks[todo[i]].path;
                draw_progress(&b, 0);
                double secs = 0;
                jx_status fs = render_one(&b, todo[i], &secs, &d);
                finish(&b, todo[i], fs, secs, &d);
                jx_diags_free(&d);
            }
        }
    }
    sum->stopped_by = stop_signal;
    sum->not_started = stop_signal ? b.total - b.done : 0;
    if (b.timings && fclose(b.timings) != 0 && st == JX_OK)
        st = JX_ERR_IO;
    if (b.rec.dirty) {
        jx_status rs = record_save(&b.rec, o->out_dir, o->err);
        if (st == JX_OK)
            st = rs;
    }
    sum->seconds = now_seconds() - b.start;
    for (int i = 0; i < n && b.tasks; i++) {
        const task *t = &b.tasks[i];
        if (t->state == T_FAILED &&
            (sum->worst == JX_OK || severity_rank(t->status) > severity_rank(sum->worst)))
            sum->worst = t->status;
    }
    if (b.tasks)
        print_summary(&b);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    for (int i = 0; i < n && b.tasks; i++)
        task_clear(&b.tasks[i]);
    for (int i = 0; i < b.nlayouts; i++)
        free(b.layouts[i].region);
    free(b.tasks);
    free(todo);
    record_free(&b.rec);
    hcache_free(&b.files);
    if (st == JX_ERR_NOMEM)
        fprintf(o->err, _("jxgen: error: out of memory\n"));
    return st;
}
