/* fuzz_registry.c: what a registry sends: manifests and indexes (with the
 * answers they lead to: sizes, platforms, the pick a pull makes), image
 * configs, and the WWW-Authenticate and Link headers. The first byte chooses
 * the decoder. */
#include "tests/fuzz/fuzz.h"
#include "backends/registry/challenge.h"
#include "backends/registry/link.h"
#include "backends/registry/manifest.h"

#include <stdlib.h>

static void manifest(const char *body, size_t len, const char *content_type)
{
	struct manifest m;
	char err[256], plat[128];
	if (manifest_decode(body, len, content_type, &m, err, sizeof(err)) == 0) {
		(void)manifest_image_size(&m);
		free(manifest_platforms(&m));
		const struct mf_desc *d = manifest_pick(&m, "linux", "arm", "v7");
		(void)d;
		(void)manifest_is_index(&m);
		manifest_cleanup(&m);
	}
	struct image_config c;
	if (image_config_decode(body, len, &c, err, sizeof(err)) == 0)
		manifest_platform_text(&c.platform, plat, sizeof(plat));
}

static void headers(const char *value)
{
	struct challenge ch[4];
	int n = challenge_parse(value, ch, 4);
	for (int i = 0; i < n; i++) {
		(void)challenge_param(&ch[i], "realm");
		challenge_cleanup(&ch[i]);
	}
	char *next = link_next(value);
	if (next) {
		free(url_resolve("https://registry.example:5000/v2/_catalog?n=100", next));
		free(next);
	}
	free(url_resolve("https://registry.example/v2/a/b/tags/list", value));
	free(url_origin(value));
}

FUZZ_TARGET(registry)
{
	if (!size)
		return 0;
	char *text = fuzz_str(data + 1, size - 1);
	switch (data[0] % 4) {
	case 0:
		manifest(text, size - 1, NULL);
		break;
	case 1:
		manifest(text, size - 1, "application/vnd.oci.image.index.v1+json");
		break;
	case 2:
		manifest(text, size - 1, "application/vnd.docker.distribution.manifest.v2+json");
		break;
	default:
		headers(text);
		break;
	}
	free(text);
	return 0;
}
