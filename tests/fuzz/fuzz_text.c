/* fuzz_text.c: the small parsers of server text: durations, RFC 3339 times,
 * Docker's human durations, Retry-After values and HTTP-dates, URL
 * redaction, label selectors, Kubernetes quantities. */
#include "tests/fuzz/fuzz.h"
#include "backends/kube/decode.h"
#include "backends/model/store.h"
#include "backends/net/backoff.h"
#include "backends/util/util.h"

#include <stdlib.h>
#include <string.h>

FUZZ_TARGET(text)
{
	char *s = fuzz_str(data, size);
	size_t used;
	char out[64];
	parse_duration_ms(s);
	int64_t t = parse_rfc3339(s);
	format_age(t, out, sizeof(out));
	int64_t h = parse_human_duration(s, &used);
	format_human_duration(h, out, sizeof(out));
	backoff_parse_retry_after(s);
	backoff_http_date(s);
	free(url_redact(s));
	kube_quantity_cpu_milli(s);
	int64_t b = kube_quantity_bytes(s);
	format_bytes(b, out, sizeof(out));
	char *comma = strchr(s, '|');
	if (comma) {
		*comma = '\0';
		labels_match(s, comma + 1);
	}
	free(s);
	return 0;
}
