/* yamljson.h: a YAML document back to JSON, the way Kubernetes reads the
 * YAML kubectl edit hands back (YAML 1.1 scalars: yes/no/on/off are
 * booleans, ~ and null are null, plain numbers are numbers; anything quoted
 * or in a block is a string). The inverse of jsonyaml.h for what it writes. */
#ifndef BINNACLE_YAMLJSON_H
#define BINNACLE_YAMLJSON_H

#include <stddef.h>

/* The JSON text of the first YAML document in yaml[0..len); owned. NULL with
 * a sentence naming the line and column in err when it is not valid YAML
 * (or uses aliases). An empty document gives NULL and err "". */
char *yamljson_convert(const char *yaml, size_t len, char *err, size_t errlen);

#endif
