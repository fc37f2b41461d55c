/* file.c: the example backend plugin, and the template for new backends. It
 * serves rows from a YAML (or JSON) inventory file: machines as shared nodes,
 * containers as shared containers, and health checks as a kind of its own,
 * and follows the file as it changes. It is built out of tree against the
 * installed headers (pkg-config binnacle) into file.so, which binnacle loads
 * from its plugin folders; see HACKING.md for the walk-through.
 *
 * The life of an endpoint: open (options, no I/O), watch (load now, then
 * look at the file's modification time on a timer), close. Every load is a
 * relist: rows the file no longer has leave the screen as deleted rows. */
#include "file.h" /* beside it: the plugin is built out of tree */

#include "backends/codec/yamltree.h"
#include "backends/net/timer.h"
#include "views/kinds/shared.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_REFRESH_MS 1000

static const struct option_def options[] = {
	{"path", OPT_PATH, "the inventory file (YAML or JSON) to serve"},
	{"refresh", OPT_STRING, "how often to look for changes to the file (default 1s)"},
	{NULL, 0, NULL},
};

static const char *const aliases[] = {"inventory", NULL};

struct file_ep {
	struct endpoint *ep;
	char *path;
	int64_t refresh_ms;
	struct timer *tick;
	struct timespec mtime; /* of the last load; zero = never loaded */
	bool watching;
};

/* Sizes written as numbers of bytes or with a unit: 512MiB, 8GiB, 2G. */
static int64_t parse_size(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	static const struct {
		const char *unit;
		double mult;
	} units[] = {{"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0},
		     {"K", 1e3},      {"M", 1e6},	  {"G", 1e9},		{"T", 1e12}};
	for (size_t i = 0; *end && i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].unit))
			return (int64_t)(v * units[i].mult);
	return *end ? -1 : (int64_t)v;
}

/* Sets cell idx of r from member key of item, typed as the view expects. */
static void put(struct endpoint *ep, struct rtable *t, struct row *r, int idx, const struct ynode *item,
		const char *key, enum cell_type type)
{
	const char *v = ynode_str(item, key);
	if (!v || !*v) {
		row_clear(ep->store, t, r, idx);
		return;
	}
	char text[32];
	if (type == CELL_TIME) {
		int64_t when = parse_rfc3339(v);
		if (when >= 0) {
			row_set_num(ep->store, t, r, idx, CELL_TIME, when, NULL);
			return;
		}
	} else if (type == CELL_BYTES) {
		int64_t n = parse_size(v);
		if (n >= 0) {
			format_bytes(n, text, sizeof(text));
			row_set_num(ep->store, t, r, idx, CELL_BYTES, n, text);
			return;
		}
	} else if (type == CELL_INT) {
		char *end;
		long long n = strtoll(v, &end, 10);
		if (!*end) {
			row_set_num(ep->store, t, r, idx, CELL_INT, n, v);
			return;
		}
	}
	row_set_text(ep->store, t, r, idx, v);
}

/* "k=v,k=v" sorted by key, as the store keeps labels, from a map. */
static void put_labels(struct endpoint *ep, struct rtable *t, struct row *r, int idx, const struct ynode *map,
		       const char *node)
{
	struct buf b;
	buf_init(&b);
	size_t n = map && map->type == YNODE_MAP ? map->n : 0;
	bool *done = xcalloc(n + 1, sizeof(*done));
	for (size_t k = 0; k < n + 1; k++) {
		/* the node the container runs on is a label too: the node's drill matches it */
		const char *best = NULL, *val = NULL;
		size_t bi = n;
		for (size_t i = 0; i < n; i++)
			if (!done[i] && map->items[i]->type == YNODE_SCALAR && (!best || strcmp(map->keys[i], best) < 0))
				best = map->keys[i], val = map->items[i]->value, bi = i;
		if (node && !done[n] && (!best || strcmp("node", best) < 0))
			best = "node", val = node, bi = n;
		if (!best)
			break;
		done[bi] = true;
		buf_printf(&b, "%s%s=%s", b.len ? "," : "", best, val);
	}
	row_set_text_or_clear(ep->store, t, r, idx, b.data);
	free(done);
	buf_cleanup(&b);
}

/* One section of the file ("nodes:") into the table of its kind. */
static void load_section(struct endpoint *ep, const struct ynode *root, const char *section, const char *kind,
			 int ncells, void (*fill)(struct endpoint *, struct rtable *, struct row *, const struct ynode *))
{
	struct rtable *t = store_table(ep->store, kind, ncells);
	const struct ynode *list = ynode_get(root, section);
	rtable_relist_begin(t);
	for (size_t i = 0; list && list->type == YNODE_SEQ && i < list->n; i++) {
		const struct ynode *item = list->items[i];
		const char *name = ynode_str(item, "name");
		if (item->type != YNODE_MAP || !name || !*name)
			continue;
		fill(ep, t, rtable_upsert(ep->store, t, name), item);
	}
	rtable_relist_end(ep->store, t);
	t->error[0] = '\0';
}

static void fill_node(struct endpoint *ep, struct rtable *t, struct row *r, const struct ynode *item)
{
	put(ep, t, r, NODE_NAME, item, "name", CELL_TEXT);
	put(ep, t, r, NODE_STATUS, item, "status", CELL_TEXT);
	put(ep, t, r, NODE_ROLES, item, "roles", CELL_TEXT);
	put(ep, t, r, NODE_VERSION, item, "version", CELL_TEXT);
	put(ep, t, r, NODE_OS, item, "os", CELL_TEXT);
	put(ep, t, r, NODE_ARCH, item, "arch", CELL_TEXT);
	put(ep, t, r, NODE_CPUS, item, "cpus", CELL_INT);
	put(ep, t, r, NODE_MEM, item, "memory", CELL_BYTES);
	put(ep, t, r, NODE_AGE, item, "since", CELL_TIME);
	put(ep, t, r, NODE_IP, item, "ip", CELL_TEXT);
}

static void fill_container(struct endpoint *ep, struct rtable *t, struct row *r, const struct ynode *item)
{
	put(ep, t, r, CTR_NAME, item, "name", CELL_TEXT);
	put(ep, t, r, CTR_IMAGE, item, "image", CELL_TEXT);
	put(ep, t, r, CTR_STATE, item, "state", CELL_TEXT);
	put(ep, t, r, CTR_STATUS, item, "status", CELL_TEXT);
	put(ep, t, r, CTR_HEALTH, item, "health", CELL_TEXT);
	put(ep, t, r, CTR_PORTS, item, "ports", CELL_TEXT);
	put(ep, t, r, CTR_CREATED, item, "created", CELL_TIME);
	put(ep, t, r, CTR_COMMAND, item, "command", CELL_TEXT);
	put_labels(ep, t, r, CTR_LABELS, ynode_get(item, "labels"), ynode_str(item, "node"));
}

static void fill_check(struct endpoint *ep, struct rtable *t, struct row *r, const struct ynode *item)
{
	put(ep, t, r, CHECK_NAME, item, "name", CELL_TEXT);
	put(ep, t, r, CHECK_STATE, item, "state", CELL_TEXT);
	put(ep, t, r, CHECK_NODE, item, "node", CELL_TEXT);
	put(ep, t, r, CHECK_MESSAGE, item, "message", CELL_TEXT);
	put(ep, t, r, CHECK_SINCE, item, "since", CELL_TIME);
}

/* Reads the file when it changed; a problem keeps the rows (now stale) and
 * says why in one sentence, and the next tick tries again. */
static void load(struct file_ep *f)
{
	struct stat st;
	if (stat(f->path, &st) < 0) {
		endpoint_fail(f->ep, "cannot read %s: %s", f->path, strerror(errno));
		return;
	}
	if (f->ep->state == EP_READY && st.st_mtim.tv_sec == f->mtime.tv_sec && st.st_mtim.tv_nsec == f->mtime.tv_nsec)
		return;
	char err[ERRLEN];
	struct ynode *root = yaml_load_file(f->path, err, sizeof(err));
	if (!root || root->type != YNODE_MAP) {
		endpoint_fail(f->ep, "%s", root ? "the inventory file is not a map of nodes, containers and checks" : err);
		ynode_free(root);
		return;
	}
	load_section(f->ep, root, "nodes", KIND_NODES, NODE_NCELLS, fill_node);
	load_section(f->ep, root, "containers", KIND_CONTAINERS, CTR_NCELLS, fill_container);
	load_section(f->ep, root, "checks", KIND_CHECKS, CHECK_NCELLS, fill_check);
	ynode_free(root);
	f->mtime = st.st_mtim;
	endpoint_ready(f->ep);
}

static void on_tick(void *arg)
{
	struct file_ep *f = arg;
	timer_arm(f->tick, f->refresh_ms);
	load(f);
}

static int file_open(struct endpoint *ep, const struct endpoint_config *cfg, char *err, size_t errlen)
{
	const char *path = endpoint_config_get(cfg, "path");
	const char *refresh = endpoint_config_get(cfg, "refresh");
	if (!path || !*path)
		return set_err(err, errlen, "a file endpoint needs \"path\": the inventory file to serve");
	int64_t ms = refresh ? parse_duration_ms(refresh) : DEFAULT_REFRESH_MS;
	if (ms < 100)
		return set_err(err, errlen, "refresh must be a duration of at least 100ms, like 2s");
	struct file_ep *f = xcalloc(1, sizeof(*f));
	f->ep = ep;
	f->path = xstrdup(path);
	f->refresh_ms = ms;
	f->tick = timer_new(on_tick, f);
	ep->priv = f;
	ep->address = xasprintf("file://%s", path);
	snprintf(ep->product, sizeof(ep->product), "inventory file");
	return 0;
}

static void file_close(struct endpoint *ep)
{
	struct file_ep *f = ep->priv;
	if (!f)
		return;
	timer_free(f->tick);
	free(f->path);
	free(f);
	ep->priv = NULL;
}

/* Every kind comes from the one file: the first watch loads it all. */
static void file_watch(struct endpoint *ep, const char *kind)
{
	struct file_ep *f = ep->priv;
	(void)kind;
	if (f->watching)
		return;
	f->watching = true;
	load(f);
	timer_arm(f->tick, f->refresh_ms);
}

/* Describe: the row's cells as JSON, what the file said of it. */
static void file_inspect(struct endpoint *ep, const char *kind, const char *id,
			 void (*done)(void *arg, const char *json, const char *error), void *arg)
{
	struct rtable *t = store_find_table(ep->store, kind);
	struct row *r = t ? rtable_find(t, id) : NULL;
	const struct view *v = backend_view(ep->ops, kind);
	if (!r || !v) {
		done(arg, NULL, "the file no longer has it");
		return;
	}
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "{");
	for (int c = 0; c < v->ncolumns; c++) {
		const char *text = row_text(r, v->columns[c].cell);
		buf_printf(&b, "%s\"%s\": \"", c ? ", " : "", v->columns[c].title);
		for (const char *p = text; *p; p++)
			if (*p == '"' || *p == '\\')
				buf_printf(&b, "\\%c", *p);
			else if ((unsigned char)*p < 0x20)
				buf_printf(&b, "\\u%04x", *p);
			else
				buf_putc(&b, *p);
		buf_puts(&b, "\"");
	}
	buf_puts(&b, "}");
	done(arg, b.data, NULL);
	buf_cleanup(&b);
}

const struct backend_ops binnacle_backend = {
	.abi = BACKEND_ABI_VERSION,
	.name = "file",
	.aliases = aliases,
	.description = "an inventory file (YAML or JSON) of machines, containers and checks",
	.views = file_views,
	.default_kind = KIND_CHECKS,
	.caps = BACKEND_EAGER,
	.options = options,
	.open = file_open,
	.close = file_close,
	.watch = file_watch,
	.inspect = file_inspect,
	.summary = file_summary,
	.drill = file_drill,
};
