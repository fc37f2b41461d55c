/* fuzz_ecs.c: what AWS sends the ECS backend: an API answer decoded into the
 * store as each kind (clusters, services and their events, tasks and their
 * containers, container instances, task definitions), and the Session
 * Manager's binary messages, alone and through a channel. The first byte
 * chooses. */
#include "tests/fuzz/fuzz.h"
#include "backends/codec/jsonget.h"
#include "backends/ecs/decode.h"
#include "backends/ecs/ssm.h"
#include "backends/model/store.h"

#include <json-c/json.h>
#include <stdlib.h>

/* every object of the answer's arrays, as each kind */
static void decode_all(struct store *s, json_object *o)
{
	char id[256];
	bool flag;
	struct ecs_cluster_info info;
	json_object_object_foreach(o, key, arr)
	{
		(void)key;
		if (!json_object_is_type(arr, json_type_array))
			continue;
		for (size_t i = 0; i < json_object_array_length(arr) && i < 64; i++) {
			json_object *it = json_object_array_get_idx(arr, i);
			if (!json_object_is_type(it, json_type_object))
				continue;
			ecs_decode_cluster(s, it, &info);
			if (ecs_decode_service(s, it, id, sizeof(id), &flag))
				ecs_decode_service_events(s, it, 20);
			ecs_decode_task(s, it, true, NULL, id, sizeof(id), &flag);
			ecs_decode_container_instance(s, "fuzz", it);
			ecs_decode_taskdef(s, it);
			json_object *defs = jsonget_arr(it, "containerDefinitions");
			for (size_t j = 0; defs && j < json_object_array_length(defs) && j < 8; j++)
				free(ecs_log_config(json_object_array_get_idx(defs, j)));
		}
	}
	json_object *td = jsonget_obj(o, "taskDefinition");
	if (td)
		ecs_decode_taskdef(s, td);
}

static void sent(void *arg, const void *frame, size_t len)
{
	(void)arg, (void)frame, (void)len;
}
static void output(void *arg, int stream, const char *d, size_t len)
{
	(void)arg, (void)stream, (void)d, (void)len;
}
static void started(void *arg)
{
	(void)arg;
}
static void exit_code(void *arg, int code)
{
	(void)arg, (void)code;
}
static void closed(void *arg, const char *text)
{
	(void)arg, (void)text;
}

/* the input cut into frames by its own 2-byte lengths */
static void ssm(const uint8_t *data, size_t size)
{
	char err[256];
	struct ssm_msg m;
	(void)ssm_decode(data, size, &m, err, sizeof(err));
	static const struct ssm_chan_cb cb = {sent, output, started, exit_code, closed};
	struct ssm_chan c;
	ssm_chan_init(&c, &cb, NULL);
	int64_t now = 1000;
	while (size >= 2) {
		size_t n = ((size_t)data[0] << 8 | data[1]) % (size - 1);
		data += 2, size -= 2;
		if (n > size)
			n = size;
		ssm_chan_receive(&c, data, n, now, err, sizeof(err));
		ssm_chan_input(&c, "ls\n", 3, now);
		ssm_chan_tick(&c, now += 500);
		data += n, size -= n;
	}
	ssm_chan_cleanup(&c);
}

FUZZ_TARGET(ecs)
{
	if (!size)
		return 0;
	if (data[0] & 1) {
		ssm(data + 1, size - 1);
		return 0;
	}
	json_tokener *tok = json_tokener_new(); /* as the AWS client parses answers */
	json_object *o = json_tokener_parse_ex(tok, (const char *)data + 1, (int)(size - 1));
	json_tokener_free(tok);
	if (o && json_object_is_type(o, json_type_object)) {
		struct store *s = store_new();
		decode_all(s, o);
		store_free(s);
	}
	json_object_put(o);
	return 0;
}
