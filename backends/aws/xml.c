/* xml.c: the one thing binnacle reads from XML: the text of an element of
 * an AWS query-protocol answer (STS: <AccessKeyId>, <Code>, <Message>).
 * Those answers are flat, namespaced only at the root and never use CDATA,
 * so finding "<Tag>" and its "</Tag>" is enough; the five predefined
 * entities and numeric references are decoded. */
#include "backends/aws/internal.h"
#include "backends/util/util.h"

#include <stdlib.h>
#include <string.h>

static void put_utf8(struct buf *b, unsigned long cp)
{
	char u[4];
	if (cp < 0x80) {
		buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		buf_append(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		buf_append(b, u, 3);
	} else if (cp < 0x110000) {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		buf_append(b, u, 4);
	}
}

static const char *find(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(hay + i, needle, n))
			return hay + i;
	return NULL;
}

char *aws_xml_text(const char *xml, size_t len, const char *tag)
{
	if (!xml)
		return NULL;
	char *open = xasprintf("<%s>", tag), *close = xasprintf("</%s>", tag);
	const char *start = find(xml, len, open), *end = NULL;
	if (start) {
		start += strlen(open);
		end = find(start, len - (size_t)(start - xml), close);
	}
	free(open);
	free(close);
	if (!start || !end)
		return NULL;
	struct buf b;
	buf_init(&b);
	buf_append(&b, "", 0);
	static const struct {
		const char *name;
		char c;
	} ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
	for (const char *p = start; p < end;) {
		if (*p == '&') {
			bool done = false;
			for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
				size_t n = strlen(ents[i].name);
				if ((size_t)(end - p) >= n && !memcmp(p, ents[i].name, n)) {
					buf_putc(&b, ents[i].c);
					p += n;
					done = true;
					break;
				}
			}
			if (!done && p + 2 < end && p[1] == '#') {
				char *stop;
				unsigned long cp = p[2] == 'x' ? strtoul(p + 3, &stop, 16) : strtoul(p + 2, &stop, 10);
				if (stop < end && *stop == ';') {
					put_utf8(&b, cp);
					p = stop + 1;
					done = true;
				}
			}
			if (done)
				continue;
		}
		buf_putc(&b, *p++);
	}
	return buf_steal(&b);
}
