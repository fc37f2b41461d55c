/* fuzz_docker_json.c: the Docker Engine's JSON bodies: container and image
 * lists (full and partial), /info with /version, and error bodies; the first
 * byte chooses which. */
#include "tests/fuzz/fuzz.h"
#include "backends/docker/decode.h"
#include "backends/model/store.h"

FUZZ_TARGET(docker_json)
{
	if (!size)
		return 0;
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	char err[256];
	struct store *s = store_new();
	struct docker_engine_info info;
	switch (data[0] % 5) {
	case 0:
		docker_decode_containers(s, body, len, err, sizeof(err));
		docker_decode_refresh_image_usage(s);
		break;
	case 1:
		docker_decode_images(s, body, len, err, sizeof(err));
		docker_decode_containers(s, body, len, err, sizeof(err));
		docker_decode_refresh_image_usage(s);
		break;
	case 2:
		docker_decode_containers_partial(s, body, len, "abc", err, sizeof(err));
		break;
	case 3: {
		/* /info then /version, split in the middle */
		size_t half = len / 2;
		docker_decode_info(s, body, half, body + half, len - half, &info, err, sizeof(err));
		break;
	}
	default:
		docker_decode_error(500, body, len, err, sizeof(err));
	}
	store_free(s);
	return 0;
}
