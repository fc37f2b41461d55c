/* decode.h: turns Docker Engine API (and Podman compat) response bodies into
 * resource-store rows and small structs. Pure functions of their input: no
 * I/O, no curl, so every payload shape can be unit-tested from fixtures. */
#ifndef BINNACLE_DOCKER_DECODE_H
#define BINNACLE_DOCKER_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct json_object;

struct rtable;
/* Full relist of table `kind` from a JSON array body: each item goes through
 * `each`; rows not seen are swept. Image usage is refreshed afterwards. */
int docker_decode_relist(struct store *s, const char *json, size_t len, const char *what, const char *kind,
			 int ncells, void (*each)(struct store *, struct rtable *, struct json_object *), char *err,
			 size_t errlen);

/* Full relist of the containers table from a GET /containers/json?all=1 body
 * ("null" reads as an empty list). CPU, MEM and MEMLIMIT cells are left alone
 * (they come from stats). Image usage is refreshed afterwards. Returns 0, or
 * -1 with an error sentence and the table untouched. */
int docker_decode_containers(struct store *s, const char *json, size_t len, char *err, size_t errlen);

/* Upserts the containers of a list body (GET /containers/json?all=1&filters=
 * {"id":[ID]} after an event) without sweeping the others; when the list is
 * empty and gone_id is not NULL, that container is marked gone. */
int docker_decode_containers_partial(struct store *s, const char *json, size_t len, const char *gone_id,
				     char *err, size_t errlen);

/* Full relist of the images table from a GET /images/json body: one row per
 * repo:tag, id "<fullid>|<repo:tag>". An untagged image is one row named
 * "<none>:<none>" ("<repo>:<none>" when only a repo digest names it). */
int docker_decode_images(struct store *s, const char *json, size_t len, char *err, size_t errlen);

/* Recomputes IMG_INUSE of every image row from the CTR_IMAGEID cells of the
 * live rows of the containers table ("sha256:" prefixes ignored). Until the
 * containers table has been listed once, IMG_INUSE is cleared (unknown). The
 * container decoders call this themselves. */
void docker_decode_refresh_image_usage(struct store *s);

struct docker_engine_info {
	char name[128];
	char product[32]; /* "Docker" or "Podman" */
	char version[32];
	char api_version[16]; /* "" when no version body was given */
	char os[128];
};

/* The engine host as the single row of the nodes table, from GET /info and
 * GET /version bodies (version may be NULL). The row id is info.ID, or Name
 * for Podman (whose compat /info makes up a new random ID on every call).
 * out may be NULL. */
int docker_decode_info(struct store *s, const char *info_json, size_t info_len, const char *version_json,
		       size_t version_len, struct docker_engine_info *out, char *err, size_t errlen);

struct docker_event {
	char type[16];    /* container, image, network, volume, ... */
	char action[32];  /* verb: "start", "health_status", "exec_start" */
	char detail[128]; /* what followed "verb: " in Action ("unhealthy"), else "" */
	char id[80];      /* Actor.ID (or legacy id) */
	char name[128];   /* Actor.Attributes.name, "" when absent */
	int64_t time_ns;  /* timeNano, else time * 1e9, else 0 */
};

/* One line of the /events stream, legacy (status/id/from) or modern
 * (Type/Action/Actor) shape. Returns 0, 1 for a blank line (skip it), or -1
 * with an error sentence when the line is not a JSON object. */
int docker_decode_event(const char *line, size_t len, struct docker_event *ev, char *err, size_t errlen);

struct docker_cpu_sample {
	uint64_t total;  /* cpu_stats.cpu_usage.total_usage */
	uint64_t system; /* cpu_stats.system_cpu_usage */
	uint32_t online_cpus;
	int64_t read_ns; /* the sample's "read" time, 0 when absent */
	bool valid;
};

/* A GET /containers/{id}/stats?stream=false body. *cpu_permille is CPU use in
 * 1/1000 of one CPU as `docker stats` computes it, from precpu_stats when the
 * engine filled it, else from prev (may be NULL); -1 when there is no previous
 * sample yet. *mem_bytes is usage without the inactive page cache, -1 when the
 * engine reported none (a stopped container); *mem_limit is 0 when unlimited
 * or unknown. *next receives this sample for the next call (next may alias
 * prev). Any output pointer may be NULL. Returns 0, or -1 with a sentence. */
int docker_decode_stats(const char *json, size_t len, const struct docker_cpu_sample *prev,
			struct docker_cpu_sample *next, int64_t *cpu_permille, int64_t *mem_bytes,
			int64_t *mem_limit, char *err, size_t errlen);

/* The sentence for a failed request: the "message" of a {"message":"..."}
 * body (newlines flattened), else a short plain-text body, else a generic
 * sentence naming the HTTP status. */
void docker_decode_error(long http_status, const char *body, size_t len, char *err, size_t errlen);

/* Helpers shared by the decode files (field readers are in jsonget.h). */

/* Parses one JSON document of len bytes (surrounding whitespace allowed). On
 * failure returns NULL and writes "the engine sent <what> that is not JSON: ..."
 * into err. The caller owns the tree (json_object_put). */
struct json_object *docker_decode_parse(const char *json, size_t len, const char *what, char *err,
					size_t errlen);
/* docker_decode_parse for a list: the document must be an array; a bare null
 * (how Go encodes a nil slice) is an empty one. */
struct json_object *docker_decode_list(const char *json, size_t len, const char *what, char *err,
				       size_t errlen);
/* Copies src (NULL reads as "") into dst (dstlen > 0), cutting at a UTF-8
 * character boundary. */
void docker_decode_copy(char *dst, size_t dstlen, const char *src);

#endif
