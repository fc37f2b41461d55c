/* fuzz_yaml.c: the YAML tree builder shared by the configuration, themes and
 * kubeconfigs (depth limit, duplicate keys, aliases refused), and the JSON to
 * YAML writer behind describe, whose output must read back as YAML. */
#include "tests/fuzz/fuzz.h"
#include "backends/codec/jsonyaml.h"
#include "backends/codec/yamltree.h"

#include <stdlib.h>
#include <string.h>

FUZZ_TARGET(yaml)
{
	char err[256];
	if (!size)
		return 0;
	const char *text = (const char *)data + 1;
	if (data[0] & 1) {
		struct ynode *n = yaml_load_buf(text, size - 1, "fuzz.yaml", err, sizeof(err));
		if (n) {
			ynode_get(n, "a");
			ynode_str(n, "b");
		}
		ynode_free(n);
		return 0;
	}
	char *yaml = jsonyaml_convert(text, size - 1, err, sizeof(err));
	if (yaml) {
		/* what describe shows must be YAML that reads back */
		struct ynode *n = yaml_load_buf(yaml, strlen(yaml), "describe", err, sizeof(err));
		ynode_free(n);
	}
	free(yaml);
	return 0;
}
