/* fuzz_config.c: binnacle's configuration file (endpoints, their options,
 * durations, keys), the first byte choosing the theme parser instead. */
#include "tests/fuzz/fuzz.h"
#include "backends/model/config.h"
#include "tui/theme.h"

#include <string.h>

FUZZ_TARGET(config)
{
	char err[256];
	if (!size)
		return 0;
	const char *text = (const char *)data + 1;
	if (data[0] & 1) {
		struct theme t;
		theme_parse(&t, text, size - 1, "fuzz.yaml", err, sizeof(err));
		return 0;
	}
	struct config c;
	memset(&c, 0, sizeof(c)); /* as config_load starts */
	config_defaults(&c);
	config_parse(&c, text, size - 1, "fuzz.yaml", err, sizeof(err));
	config_cleanup(&c);
	return 0;
}
