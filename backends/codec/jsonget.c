/* jsonget.c: the JSON field readers (and the label-map formatter) both
 * backends' decoders share; jsonget.h states the "none" rule they follow. */
#include "backends/codec/jsonget.h"
#include "backends/util/util.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

struct json_object *jsonget_field(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

struct json_object *jsonget_obj(struct json_object *o, const char *key)
{
	struct json_object *v = jsonget_field(o, key);
	return json_object_is_type(v, json_type_object) ? v : NULL;
}

struct json_object *jsonget_arr(struct json_object *o, const char *key)
{
	struct json_object *v = jsonget_field(o, key);
	return json_object_is_type(v, json_type_array) ? v : NULL;
}

const char *jsonget_str(struct json_object *o, const char *key)
{
	struct json_object *v = jsonget_field(o, key);
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

bool jsonget_int(struct json_object *o, const char *key, int64_t *out)
{
	struct json_object *v = jsonget_field(o, key);
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
		return true;
	}
	if (json_object_is_type(v, json_type_double)) {
		double d = json_object_get_double(v);
		*out = d >= 9.2e18 ? INT64_MAX : d <= -9.2e18 ? INT64_MIN : (int64_t)d;
		return true;
	}
	return false;
}

bool jsonget_u64(struct json_object *o, const char *key, uint64_t *out)
{
	struct json_object *v = jsonget_field(o, key);
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_uint64(v);
		return true;
	}
	if (json_object_is_type(v, json_type_double)) {
		double d = json_object_get_double(v);
		*out = d <= 0 ? 0 : d >= 1.8e19 ? UINT64_MAX : (uint64_t)d;
		return true;
	}
	return false;
}

bool jsonget_bool(struct json_object *o, const char *key)
{
	struct json_object *v = jsonget_field(o, key);
	return json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

struct json_object *jsonget_idx(struct json_object *arr, size_t i)
{
	if (!json_object_is_type(arr, json_type_array) || i >= json_object_array_length(arr))
		return NULL;
	return json_object_array_get_idx(arr, i);
}

size_t jsonget_len(struct json_object *arr)
{
	return json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
}

bool jsonget_time(struct json_object *o, const char *key, enum jsonget_time_form form, int64_t *out)
{
	if (form == JSONGET_RFC3339_OR_UNIX && jsonget_int(o, key, out))
		return *out > 0;
	const char *s = jsonget_str(o, key);
	if (!s)
		return false;
	*out = parse_rfc3339(s);
	return *out > 0;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *jsonget_map_text(struct json_object *map, enum jsonget_value_form form)
{
	if (!json_object_is_type(map, json_type_object) || !json_object_object_length(map))
		return NULL;
	size_t n = (size_t)json_object_object_length(map), i = 0;
	const char **keys = xcalloc(n, sizeof(*keys));
	json_object_object_foreach(map, key, unused)
	{
		(void)unused;
		if (i < n)
			keys[i++] = key;
	}
	qsort(keys, i, sizeof(*keys), cmp_strp);
	struct buf b;
	buf_init(&b);
	for (size_t j = 0; j < i; j++) {
		const char *v;
		if (form == JSONGET_ANY_AS_JSON) {
			struct json_object *jv = jsonget_field(map, keys[j]);
			v = json_object_is_type(jv, json_type_null) ? "" : json_object_get_string(jv);
		} else {
			v = jsonget_str(map, keys[j]);
		}
		buf_printf(&b, "%s%s=%s", j ? "," : "", keys[j], v ? v : "");
	}
	free(keys);
	return buf_steal(&b);
}
