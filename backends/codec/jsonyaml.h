/* jsonyaml.h: turns a JSON document (an engine's or API server's object) into
 * block-style YAML, so "describe" can show objects the way
 * `kubectl get -o yaml` does. */
#ifndef BINNACLE_JSONYAML_H
#define BINNACLE_JSONYAML_H

#include <stddef.h>

/* The YAML text of the JSON document json[0..len) (which need not be
 * NUL-terminated), keys in their original order, ending in a newline. Owned;
 * NULL with a sentence in err when the JSON is malformed. Every string reads
 * back as the same string: it is quoted whenever YAML would take it for
 * something else. */
char *jsonyaml_convert(const char *json, size_t len, char *err, size_t errlen);

#endif
