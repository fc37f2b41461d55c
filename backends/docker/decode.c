/* decode.c: the Docker container list into rows of the resource store, plus
 * the parsing and copy helpers the other decode files share. The JSON tree of
 * a body lives only for the call; the store keeps the compact cells of
 * kinds.h. */
#include "backends/docker/decode.h"
#include "backends/codec/jsonget.h"
#include "backends/model/kinds.h"
#include "backends/model/store.h"
#include "backends/util/util.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

/* ---- helpers shared by the decode files ---- */

void docker_decode_copy(char *dst, size_t dstlen, const char *src)
{
	if (!dstlen)
		return;
	if (!src)
		src = "";
	size_t n = strlen(src);
	if (n >= dstlen) {
		n = dstlen - 1;
		/* back off continuation bytes so a character is never cut in half */
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

struct json_object *docker_decode_parse(const char *json, size_t len, const char *what, char *err,
					size_t errlen)
{
	size_t i = 0;
	if (!json)
		len = 0;
	/* the daemon's json.Encoder ends every body with "\n"; tolerate any padding */
	while (i < len && isspace((unsigned char)json[i]))
		i++;
	if (i == len) {
		set_err(err, errlen, "the engine sent %s that is not JSON: the body is empty", what);
		return NULL;
	}
	if (len - i > INT_MAX) {
		set_err(err, errlen, "the engine sent %s that is too large to read", what);
		return NULL;
	}
	struct json_tokener *tok = json_tokener_new();
	if (!tok)
		abort();
	struct json_object *o = json_tokener_parse_ex(tok, json + i, (int)(len - i));
	enum json_tokener_error e = json_tokener_get_error(tok);
#if defined(JSON_C_VERSION_NUM) && JSON_C_VERSION_NUM >= ((0 << 16) | (15 << 8))
	size_t end = i + json_tokener_get_parse_end(tok);
#else
	size_t end = i + (size_t)tok->char_offset;
#endif
	if (e == json_tokener_continue) {
		/* a bare number or literal ends only at a delimiter: supply one */
		o = json_tokener_parse_ex(tok, "", 1);
		e = json_tokener_get_error(tok);
		if (e != json_tokener_success)
			e = json_tokener_continue;
		end = len;
	}
	json_tokener_free(tok);
	if (e != json_tokener_success) {
		json_object_put(o);
		set_err(err, errlen, "the engine sent %s that is not JSON: %s", what,
			e == json_tokener_continue ? "the body ends in the middle of a value"
						   : json_tokener_error_desc(e));
		return NULL;
	}
	while (end < len && isspace((unsigned char)json[end]))
		end++;
	if (end < len) {
		json_object_put(o);
		set_err(err, errlen, "the engine sent %s that is not JSON: unexpected data after the value", what);
		return NULL;
	}
	if (!o) /* json-c's null is a NULL pointer */
		set_err(err, errlen, "the engine sent %s that is a JSON null", what);
	return o;
}

/* ---- containers ---- */

struct port {
	const char *ip; /* "" when the engine gave none */
	const char *type;
	int64_t priv, pub;
};

static int port_cmp(const void *a, const void *b)
{
	const struct port *x = a, *y = b;
	if (x->priv != y->priv)
		return x->priv < y->priv ? -1 : 1;
	int c = strcmp(x->ip, y->ip);
	if (c)
		return c;
	if (x->pub != y->pub)
		return x->pub < y->pub ? -1 : 1;
	return strcmp(x->type, y->type);
}

struct port_group {
	const char *ip, *type;
	int64_t first, last;
};

static void port_group_put(struct buf *out, const struct port_group *g)
{
	if (out->len)
		buf_puts(out, ", ");
	char range[48];
	if (g->first == g->last)
		snprintf(range, sizeof(range), "%lld", (long long)g->first);
	else
		snprintf(range, sizeof(range), "%lld-%lld", (long long)g->first, (long long)g->last);
	if (*g->ip)
		buf_printf(out, "%s:%s->%s/%s", g->ip, range, range, g->type);
	else
		buf_printf(out, "%s/%s", range, g->type);
}

/* The PORTS column of `docker ps` (cli formatter DisplayablePorts): sort, then
 * fold runs of consecutive ports that map to themselves into ranges, grouped
 * by address and protocol; remapped ports follow one by one. Exact duplicates
 * (IPv4+IPv6 answers from some engines) are dropped. A published port with no
 * address (Podman's all-interfaces binding) is shown as "8080->80/tcp" rather
 * than losing the host port as the docker CLI does. The IPv6 wildcard reads
 * ":::8080->80/tcp" as the docker CLI printed it before v26. */
static char *format_ports(struct json_object *ports)
{
	size_t n = jsonget_len(ports);
	if (!n)
		return NULL;
	struct port *p = xcalloc(n, sizeof(*p));
	size_t np = 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(ports, i);
		int64_t priv;
		if (!json_object_is_type(o, json_type_object) || !jsonget_int(o, "PrivatePort", &priv))
			continue;
		p[np].priv = priv;
		if (!jsonget_int(o, "PublicPort", &p[np].pub))
			p[np].pub = 0;
		p[np].ip = jsonget_str(o, "IP") ? jsonget_str(o, "IP") : "";
		p[np].type = jsonget_str(o, "Type") && *jsonget_str(o, "Type") ? jsonget_str(o, "Type") : "tcp";
		np++;
	}
	qsort(p, np, sizeof(*p), port_cmp);

	struct buf out, maps;
	buf_init(&out);
	buf_init(&maps);
	struct port_group *groups = xcalloc(np ? np : 1, sizeof(*groups));
	size_t ng = 0;
	for (size_t i = 0; i < np; i++) {
		if (i > 0 && !port_cmp(&p[i], &p[i - 1]))
			continue;
		bool has_ip = *p[i].ip != '\0';
		if ((has_ip && p[i].pub != p[i].priv) || (!has_ip && p[i].pub > 0)) {
			if (maps.len)
				buf_puts(&maps, ", ");
			if (has_ip)
				buf_printf(&maps, "%s:", p[i].ip);
			buf_printf(&maps, "%lld->%lld/%s", (long long)p[i].pub, (long long)p[i].priv, p[i].type);
			continue;
		}
		const char *ip = has_ip ? p[i].ip : "";
		struct port_group *g = NULL;
		for (size_t k = 0; k < ng; k++)
			if (!strcmp(groups[k].ip, ip) && !strcmp(groups[k].type, p[i].type))
				g = &groups[k];
		if (!g) {
			groups[ng++] = (struct port_group){ip, p[i].type, p[i].priv, p[i].priv};
			continue;
		}
		if (p[i].priv == g->last + 1) {
			g->last = p[i].priv;
			continue;
		}
		port_group_put(&out, g);
		g->first = g->last = p[i].priv;
	}
	for (size_t k = 0; k < ng; k++)
		port_group_put(&out, &groups[k]);
	if (maps.len) {
		if (out.len)
			buf_puts(&out, ", ");
		buf_puts(&out, maps.data);
	}
	buf_cleanup(&maps);
	free(groups);
	free(p);
	return out.len ? buf_steal(&out) : (buf_cleanup(&out), NULL);
}

/* For old engines (API < 1.23) that have no State: what `docker ps` printed. */
static const char *state_from_status(const char *status)
{
	if (!status || !*status)
		return NULL;
	if (str_starts(status, "Up"))
		return strstr(status, "(Paused)") ? "paused" : "running";
	if (str_starts(status, "Restarting"))
		return "restarting";
	if (str_starts(status, "Exit"))
		return "exited";
	if (str_starts(status, "Created"))
		return "created";
	if (str_starts(status, "Removal"))
		return "removing";
	if (str_starts(status, "Dead"))
		return "dead";
	return NULL;
}

/* Lower-cases State and maps Podman's extra states onto Docker's. */
static void normalise_state(const char *in, char *out, size_t outlen)
{
	size_t i = 0;
	for (; in[i] && i + 1 < outlen; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
	if (!strcmp(out, "stopped"))
		snprintf(out, outlen, "exited");
	else if (!strcmp(out, "configured") || !strcmp(out, "initialized"))
		snprintf(out, outlen, "created");
}

static const char *health_of(struct json_object *c, const char *status)
{
	const char *h = jsonget_str(jsonget_obj(c, "Health"), "Status");
	if (h && (!strcmp(h, "healthy") || !strcmp(h, "unhealthy") || !strcmp(h, "starting")))
		return h;
	if (status) {
		if (strstr(status, "(healthy)"))
			return "healthy";
		if (strstr(status, "(unhealthy)"))
			return "unhealthy";
		if (strstr(status, "(health: starting)"))
			return "starting";
	}
	return NULL;
}

/* Names[0] is the canonical name; later entries may be link aliases ("/a/b"). */
static const char *container_name(struct json_object *c)
{
	struct json_object *names = jsonget_arr(c, "Names");
	size_t n = jsonget_len(names);
	const char *first = NULL;
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(names, i);
		if (!json_object_is_type(v, json_type_string))
			continue;
		const char *nm = json_object_get_string(v);
		if (*nm == '/')
			nm++;
		if (!first)
			first = nm;
		if (!strchr(nm, '/'))
			return nm;
	}
	return first;
}

/* "Up 3 minutes (healthy)", "Exited (0) 2 hours ago": the engine wrote the
 * duration when it answered, and updates only come with events, so the
 * duration becomes a live time cell ("Up \x1f (healthy)" since T) that the
 * screen renders anew as time passes. Anything else stays plain text. */
static void set_status(struct store *s, struct rtable *t, struct row *r, const char *status)
{
	const char *p = NULL;
	if (status && str_starts(status, "Up "))
		p = status + 3;
	else if (status && (str_starts(status, "Exited (") || str_starts(status, "Restarting ("))) {
		const char *close = strstr(status, ") ");
		p = close ? close + 2 : NULL;
	}
	size_t used = 0;
	int64_t secs = p ? parse_human_duration(p, &used) : -1;
	if (secs < 0) {
		row_set_text_or_clear(s, t, r, CTR_STATUS, status);
		return;
	}
	struct buf tpl;
	buf_init(&tpl);
	buf_append(&tpl, status, (size_t)(p - status));
	buf_putc(&tpl, TIME_SLOT);
	for (const char *q = p + used; *q; q++)
		if (*q != TIME_SLOT) /* the engine's text cannot place a slot of its own */
			buf_putc(&tpl, *q);
	int64_t since = wall_s() - secs;
	const struct cell *old = &r->cells[CTR_STATUS];
	char then[48], now_phrase[48];
	/* a refetch estimates the start again: keep the old one while it reads the same */
	if (old->type == CELL_TIME && old->text && !strcmp(old->text, tpl.data)) {
		format_human_duration(wall_s() - old->num, then, sizeof(then));
		format_human_duration(secs, now_phrase, sizeof(now_phrase));
		if (!strcmp(then, now_phrase))
			since = old->num;
	}
	row_set_num(s, t, r, CTR_STATUS, CELL_TIME, since, tpl.data);
	buf_cleanup(&tpl);
}

static void decode_container(struct store *s, struct rtable *t, struct json_object *c)
{
	const char *id = jsonget_str(c, "Id");
	if (!json_object_is_type(c, json_type_object) || !id || !*id)
		return;
	struct row *r = rtable_upsert(s, t, id);
	const char *name = container_name(c);
	char shortid[13];
	docker_decode_copy(shortid, sizeof(shortid), id);
	row_set_text_or_clear(s, t, r, CTR_NAME, name && *name ? name : shortid);

	const char *image = jsonget_str(c, "Image");
	char shortimg[13];
	if (image && str_starts(image, "sha256:") && strlen(image) == 71) {
		/* the tag was removed or re-pointed: docker ps shows the short id */
		docker_decode_copy(shortimg, sizeof(shortimg), image + 7);
		image = shortimg;
	}
	row_set_text_or_clear(s, t, r, CTR_IMAGE, image);

	const char *status = jsonget_str(c, "Status");
	const char *state = jsonget_str(c, "State");
	if (!state) /* some Podman versions: an object like inspect's */
		state = jsonget_str(jsonget_obj(c, "State"), "Status");
	char st[32];
	if (state && *state)
		normalise_state(state, st, sizeof(st));
	else
		snprintf(st, sizeof(st), "%s", state_from_status(status) ? state_from_status(status) : "");
	row_set_text_or_clear(s, t, r, CTR_STATE, st);
	set_status(s, t, r, status);
	row_set_text_or_clear(s, t, r, CTR_HEALTH, health_of(c, status));

	char *ports = format_ports(jsonget_arr(c, "Ports"));
	row_set_text_or_clear(s, t, r, CTR_PORTS, ports);
	free(ports);

	int64_t created;
	if (jsonget_time(c, "Created", JSONGET_RFC3339_OR_UNIX, &created))
		row_set_num(s, t, r, CTR_CREATED, CELL_TIME, created, NULL);
	else
		row_clear(s, t, r, CTR_CREATED);

	row_set_text_or_clear(s, t, r, CTR_ID, shortid);
	row_set_text_or_clear(s, t, r, CTR_IMAGEID, jsonget_str(c, "ImageID"));
	row_set_text_or_clear(s, t, r, CTR_COMMAND, jsonget_str(c, "Command"));
	char *labels = jsonget_map_text(jsonget_field(c, "Labels"), JSONGET_ANY_AS_JSON);
	row_set_text_or_clear(s, t, r, CTR_LABELS, labels);
	free(labels);
	/* CTR_CPU, CTR_MEM and CTR_MEMLIMIT belong to the stats poller, but a
	 * container that is not running uses nothing: its last figures go */
	if (strcmp(row_text(r, CTR_STATE), "running")) {
		row_clear(s, t, r, CTR_CPU);
		row_clear(s, t, r, CTR_MEM);
	}
}

struct json_object *docker_decode_list(const char *json, size_t len, const char *what, char *err,
				       size_t errlen)
{
	/* Go encodes a nil slice as null: that is an empty list */
	size_t i = 0, n = json ? len : 0;
	while (i < n && isspace((unsigned char)json[i]))
		i++;
	while (n > i && isspace((unsigned char)json[n - 1]))
		n--;
	if (n - i == 4 && !memcmp(json + i, "null", 4))
		return json_object_new_array();
	struct json_object *root = docker_decode_parse(json, len, what, err, errlen);
	if (root && !json_object_is_type(root, json_type_array)) {
		json_object_put(root);
		set_err(err, errlen, "the engine sent %s that is not a JSON array", what);
		return NULL;
	}
	return root;
}

int docker_decode_relist(struct store *s, const char *json, size_t len, const char *what, const char *kind,
			 int ncells, void (*each)(struct store *, struct rtable *, struct json_object *), char *err,
			 size_t errlen)
{
	struct json_object *root = docker_decode_list(json, len, what, err, errlen);
	if (!root)
		return -1;
	struct rtable *t = store_table(s, kind, ncells);
	rtable_relist_begin(t);
	size_t n = json_object_array_length(root);
	for (size_t i = 0; i < n; i++)
		each(s, t, json_object_array_get_idx(root, i));
	rtable_relist_end(s, t);
	json_object_put(root);
	docker_decode_refresh_image_usage(s);
	return 0;
}

int docker_decode_containers(struct store *s, const char *json, size_t len, char *err, size_t errlen)
{
	return docker_decode_relist(s, json, len, "a container list", KIND_CONTAINERS, CTR_NCELLS, decode_container,
				    err, errlen);
}

int docker_decode_containers_partial(struct store *s, const char *json, size_t len, const char *gone_id,
				     char *err, size_t errlen)
{
	struct json_object *root = docker_decode_list(json, len, "a container list", err, errlen);
	if (!root)
		return -1;
	struct rtable *t = store_table(s, KIND_CONTAINERS, CTR_NCELLS);
	size_t n = json_object_array_length(root);
	for (size_t i = 0; i < n; i++)
		decode_container(s, t, json_object_array_get_idx(root, i));
	if (!n && gone_id && *gone_id)
		rtable_delete(s, t, gone_id);
	t->updated_ms = mono_ms();
	json_object_put(root);
	docker_decode_refresh_image_usage(s);
	return 0;
}
