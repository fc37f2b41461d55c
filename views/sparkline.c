/* sparkline.c: samples as a one-line chart (see sparkline.h). */
#include "views/sparkline.h"

#include <string.h>

static const char *const blocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
static const char marks[] = "_.:-=+*#";

void sparkline(const int64_t *v, size_t n, bool ascii, char *out, size_t outlen)
{
	int64_t top = 0;
	for (size_t i = 0; i < n; i++)
		top = v[i] > top ? v[i] : top;
	size_t used = 0;
	if (outlen)
		out[0] = '\0';
	for (size_t i = 0; i < n; i += SPARKLINE_STEP) {
		int64_t m = 0;
		for (size_t k = i; k < i + SPARKLINE_STEP && k < n; k++)
			m = v[k] > m ? v[k] : m;
		/* anything above zero shows at least one step up */
		int level = top ? (int)((m * 7 + top - 1) / top) : 0;
		const char *mark = ascii ? (char[2]){marks[level], '\0'} : blocks[level];
		size_t len = strlen(mark);
		if (used + len + 1 > outlen)
			break;
		memcpy(out + used, mark, len + 1);
		used += len;
	}
}
