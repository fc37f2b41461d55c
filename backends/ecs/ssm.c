/* ssm.c: the SSM data channel's ClientMessage codec (see ssm.h). */
#include "backends/ecs/ssm.h"
#include "backends/codec/crypto.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 3; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

void ssm_uuid_new(unsigned char id[16])
{
	crypto_random(id, 16);
	id[6] = (unsigned char)((id[6] & 0x0f) | 0x40); /* version 4 */
	id[8] = (unsigned char)((id[8] & 0x3f) | 0x80); /* RFC 4122 variant */
}

void ssm_uuid_text(const unsigned char id[16], char out[37])
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[n++] = '-';
		out[n++] = hex[id[i] >> 4];
		out[n++] = hex[id[i] & 15];
	}
	out[n] = '\0';
}

void ssm_encode(struct buf *out, const char *type, int64_t seq, uint64_t flags, uint32_t payload_type,
		const void *payload, size_t len, const unsigned char *id, uint64_t created_ms)
{
	unsigned char h[SSM_MIN_MESSAGE];
	memset(h, 0, sizeof(h));
	put_u32(h, SSM_HEADER_LENGTH);
	size_t tlen = strlen(type);
	memset(h + 4, ' ', 32);
	memcpy(h + 4, type, tlen < 32 ? tlen : 32);
	put_u32(h + 36, 1);
	put_u64(h + 40, created_ms);
	put_u64(h + 48, (uint64_t)seq);
	put_u64(h + 56, flags);
	unsigned char fresh[16];
	if (!id) {
		ssm_uuid_new(fresh);
		id = fresh;
	}
	/* the UUID's low half goes first on the wire */
	memcpy(h + 64, id + 8, 8);
	memcpy(h + 72, id, 8);
	crypto_sha256(payload ? payload : "", len, h + 80);
	put_u32(h + 112, payload_type);
	put_u32(h + 116, (uint32_t)len);
	buf_append(out, h, sizeof(h));
	if (len)
		buf_append(out, payload, len);
}

int ssm_decode(const void *data, size_t len, struct ssm_msg *m, char *err, size_t errlen)
{
	const unsigned char *p = data;
	memset(m, 0, sizeof(*m));
	if (len < SSM_MIN_MESSAGE)
		return set_err(err, errlen, "a data channel message of %zu bytes is shorter than its header", len);
	uint32_t hl = get_u32(p);
	if (hl == 0 || (size_t)hl + 4 > len)
		return set_err(err, errlen, "a data channel message has a bad header length (%u)", hl);
	size_t n = 0;
	for (size_t i = 0; i < 32; i++)
		if (p[4 + i] != ' ' && p[4 + i] != '\0')
			m->type[n++] = (char)p[4 + i];
	m->type[n] = '\0';
	m->schema = get_u32(p + 36);
	m->created_ms = get_u64(p + 40);
	m->seq = (int64_t)get_u64(p + 48);
	m->flags = get_u64(p + 56);
	memcpy(m->id + 8, p + 64, 8);
	memcpy(m->id, p + 72, 8);
	m->payload_type = get_u32(p + 112);
	uint32_t plen = get_u32(p + 116);
	m->payload = (const char *)p + hl + 4;
	m->len = len - hl - 4;
	if (plen != m->len)
		return set_err(err, errlen, "a data channel message says %u payload bytes but has %zu", plen, m->len);
	if (!strcmp(m->type, "start_publication") || !strcmp(m->type, "pause_publication"))
		return 0;
	if (!m->type[0])
		return set_err(err, errlen, "a data channel message has no type");
	if (!m->created_ms)
		return set_err(err, errlen, "a data channel message has no date");
	if (m->len) {
		unsigned char digest[CRYPTO_SHA256_LEN];
		crypto_sha256(m->payload, m->len, digest);
		if (memcmp(digest, p + 80, sizeof(digest)))
			return set_err(err, errlen, "a data channel message's payload does not match its digest");
	}
	return 0;
}

char *ssm_open_input(const char *token, const char *client_id)
{
	unsigned char rid[16];
	char request[37];
	ssm_uuid_new(rid);
	ssm_uuid_text(rid, request);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "MessageSchemaVersion", json_object_new_string("1.0"));
	json_object_object_add(o, "RequestId", json_object_new_string(request));
	json_object_object_add(o, "TokenValue", json_object_new_string(token));
	json_object_object_add(o, "ClientId", json_object_new_string(client_id));
	json_object_object_add(o, "ClientVersion", json_object_new_string("1.2.0.0"));
	char *text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	/* the tree held the token */
	json_object *t = NULL;
	if (json_object_object_get_ex(o, "TokenValue", &t))
		memset((char *)json_object_get_string(t), 0, strlen(json_object_get_string(t)));
	json_object_put(o);
	return text;
}
