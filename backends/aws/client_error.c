/* client_error.c: AWS error answers turned into a code and one sentence
 * (see client.h): the shapes of the JSON, REST and query protocols, what
 * each family of codes means to an operator, and secrets kept out. */
#include "backends/aws/client_internal.h"
#include "backends/codec/jsonget.h"
#include "backends/net/http.h"
#include "backends/util/util.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void aws_error_code(const char *raw, char *out, size_t outlen)
{
	if (!raw) {
		out[0] = '\0';
		return;
	}
	size_t n = strcspn(raw, ":");
	char *code = xstrndup(raw, n);
	const char *hash = strrchr(code, '#');
	snprintf(out, outlen, "%s", hash ? hash + 1 : code);
	free(code);
	/* trim, for headers with spaces */
	size_t len = strlen(out);
	while (len && (out[len - 1] == ' ' || out[len - 1] == '\r'))
		out[--len] = '\0';
}

static bool in(const char *code, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(code, list[i]))
			return true;
	return false;
}

static const char *const throttle_codes[] = {"ThrottlingException", "Throttling", "ThrottledException",
					     "TooManyRequestsException", "RequestLimitExceeded",
					     "RequestThrottledException", "RequestThrottled", "SlowDown",
					     "ProvisionedThroughputExceededException", "BandwidthLimitExceeded", NULL};
static const char *const expired_codes[] = {"ExpiredTokenException", "ExpiredToken", "RequestExpired",
					    "TokenRefreshRequired", NULL};
static const char *const denied_codes[] = {"AccessDeniedException", "AccessDenied", "UnauthorizedOperation",
					   "UnauthorizedException", "ForbiddenException", NULL};
static const char *const unknown_key_codes[] = {"UnrecognizedClientException", "InvalidClientTokenId",
						"InvalidAccessKeyId", NULL};
static const char *const signature_codes[] = {"InvalidSignatureException", "SignatureDoesNotMatch",
					      "IncompleteSignatureException", "IncompleteSignature",
					      "MissingAuthenticationTokenException", "MissingAuthenticationToken", NULL};

bool aws_code_throttling(const char *code, long status)
{
	return status == 429 || (code && in(code, throttle_codes));
}

bool aws_code_expired(const char *code)
{
	return code && in(code, expired_codes);
}

void aws_parse_error(const struct aws_service *svc, long status, const char *body, size_t len,
		     const char *header_type, struct json_object *json, char *code, size_t codelen, char *msg,
		     size_t msglen)
{
	code[0] = msg[0] = '\0';
	const char *raw = NULL, *m = NULL;
	char *xcode = NULL, *xmsg = NULL;
	if (json) {
		raw = jsonget_str(json, "__type");
		if (!raw)
			raw = jsonget_str(json, "code");
		m = jsonget_str(json, "message");
		if (!m)
			m = jsonget_str(json, "Message");
		if (!m)
			m = jsonget_str(json, "error_description");
	}
	if (header_type && *header_type)
		raw = header_type; /* REST: the header is what botocore believes first */
	if (!raw && svc->protocol == AWS_QUERY && body && len && memchr(body, '<', len)) {
		xcode = aws_xml_text(body, len, "Code");
		xmsg = aws_xml_text(body, len, "Message");
		raw = xcode;
		m = xmsg;
	}
	aws_error_code(raw, code, codelen);
	if (!code[0] && status)
		snprintf(code, codelen, "HTTP %ld", status);
	/* the first line only: a signature error goes on with the canonical
	 * request AWS expected, which may hold the session token */
	if (m)
		snprintf(msg, msglen, "%.*s", (int)strcspn(m, "\n"), m);
	free(xcode);
	free(xmsg);
}

void aws_error_sentence(struct aws_client *c, const struct aws_service *svc, const char *op, long status,
			const char *code, const char *msg, const char *transport, bool configured_url, char *out,
			size_t outlen, bool *auth)
{
	const char *who = aws_creds_describe(c->creds), *hint = aws_creds_login_hint(c->creds);
	const char *region = c->region ? c->region : "us-east-1";
	*auth = false;
	if (transport) {
		if ((strstr(transport, "Could not resolve host") || strstr(transport, "does not resolve")) && !configured_url)
			snprintf(out, outlen, "there is no %s endpoint for region %s (%s does not resolve): is the region right?",
				 svc->name, region, aws_client_url(c, svc));
		else
			snprintf(out, outlen, "%s", transport);
	} else if (aws_code_throttling(code, status)) {
		snprintf(out, outlen, "%s kept throttling the requests (%s); binnacle gave up after %d tries", svc->name,
			 msg[0] ? msg : code, AWS_CALL_TRIES);
	} else if (aws_code_expired(code)) {
		*auth = true;
		if (hint)
			snprintf(out, outlen, "the credentials of %s have expired: run `%s`", who, hint);
		else
			snprintf(out, outlen, "the credentials of %s have expired (%s)", who, msg[0] ? msg : code);
	} else if (in(code, unknown_key_codes)) {
		*auth = true;
		snprintf(out, outlen, "AWS does not recognise the access key of %s%s (%s)", who,
			 strcmp(region, "us-east-1") ? ", or the region is not enabled for the account" : "",
			 msg[0] ? msg : code);
	} else if (in(code, signature_codes)) {
		*auth = true;
		if (str_starts(msg, "Signature expired"))
			snprintf(out, outlen, "AWS refused the request: this machine's clock is off (%s)", msg);
		else if (strstr(code, "Missing"))
			snprintf(out, outlen, "%s wants signed requests and got none", svc->name);
		else
			snprintf(out, outlen, "AWS refused the request signature: the secret key of %s does not match its "
					      "access key",
				 who);
	} else if (in(code, denied_codes) || status == 403) {
		*auth = true;
		if (svc->signing_name)
			snprintf(out, outlen, "not allowed to call %s:%s with %s: %s", svc->signing_name, op, who,
				 msg[0] ? msg : code);
		else
			snprintf(out, outlen, "%s refused %s: %s", svc->name, op, msg[0] ? msg : code);
	} else if (msg[0]) {
		snprintf(out, outlen, "%s: %s", code, msg);
	} else {
		snprintf(out, outlen, "%s %s failed with %s", svc->name, op, code[0] ? code : "an unknown error");
	}
	aws_creds_redact(c->creds, out);
}
